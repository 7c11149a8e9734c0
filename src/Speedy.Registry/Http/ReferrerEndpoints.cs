using Microsoft.AspNetCore.Http;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>
/// <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>: an OCI image index of the manifests whose subject is
/// the digest, filtered by <c>artifactType</c> when asked (<c>OCI-Filters-Applied</c>). An unknown subject
/// has an empty index, never a 404.
/// </summary>
internal static class ReferrerEndpoints
{
    public static async Task GetAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var subject = RequestExtensions.ParseDigestOrThrow(route.Argument);
        var filter = context.Request.Query["artifactType"].ToString();
        var descriptors = await registry.Store.ListReferrersAsync(route.Name, subject, context.RequestAborted);
        if (filter.Length > 0)
        {
            context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        }

        await TagEndpoints.WriteJsonAsync(
            context,
            (Descriptors: descriptors, Filter: filter),
            static (writer, state) =>
            {
                writer.WriteNumber("schemaVersion", 2);
                writer.WriteString("mediaType", MediaTypes.OciIndex);
                writer.WriteStartArray("manifests");
                foreach (var descriptor in state.Descriptors)
                {
                    if (state.Filter.Length == 0 || Storage.ReferrerDescriptor.ReadArtifactType(descriptor) == state.Filter)
                    {
                        writer.WriteRawValue(descriptor, skipInputValidation: true);
                    }
                }

                writer.WriteEndArray();
            },
            MediaTypes.OciIndex);
    }
}
