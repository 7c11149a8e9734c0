using System.Text.Json;

namespace Speedy.Registry.Core.Manifests;

/// <summary>
/// Parses and validates image manifests and indexes (OCI and Docker schema 2). Every rejection is a
/// <see cref="RegistryException"/> with <see cref="OciErrorCode.ManifestInvalid"/> naming what is wrong.
/// </summary>
public static class ManifestParser
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 32 };

    /// <summary>
    /// Parses <paramref name="content"/>. The media type comes from the request's Content-Type when it names a
    /// manifest type, else from the body's <c>mediaType</c>; when both are present they must agree.
    /// </summary>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content, string? contentType)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, s_options);
        }
        catch (JsonException ex)
        {
            throw Invalid("manifest is not valid JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("manifest must be a JSON object");
            }

            var mediaType = ResolveMediaType(root, contentType);
            if (!root.TryGetProperty("schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.Number
                || !schema.TryGetInt32(out var version) || version != 2)
            {
                throw Invalid("schemaVersion must be 2");
            }

            var artifactType = OptionalString(root, "artifactType");
            var subject = root.TryGetProperty("subject", out var subjectElement) ? ParseDescriptor(subjectElement, "subject") : null;
            var annotations = ParseAnnotations(root, "manifest");
            if (MediaTypes.IsIndex(mediaType))
            {
                if (!root.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid("an index must have a \"manifests\" array");
                }

                return new ParsedManifest(mediaType, null, [], ParseDescriptors(manifests, "manifests"), subject, artifactType, annotations);
            }

            if (!root.TryGetProperty("config", out var configElement))
            {
                throw Invalid("an image manifest must have a \"config\" descriptor");
            }

            var config = ParseDescriptor(configElement, "config");
            if (!root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("an image manifest must have a \"layers\" array");
            }

            return new ParsedManifest(mediaType, config, ParseDescriptors(layers, "layers"), [], subject, artifactType, annotations);
        }
    }

    private static string ResolveMediaType(JsonElement root, string? contentType)
    {
        var declared = OptionalString(root, "mediaType");
        var header = NormalizeContentType(contentType);
        if (header is MediaTypes.DockerSchema1 or MediaTypes.DockerSchema1Signed || declared is MediaTypes.DockerSchema1 or MediaTypes.DockerSchema1Signed)
        {
            throw Invalid("Docker schema 1 manifests are deprecated and not accepted; push schema 2 or OCI");
        }

        if (header is not null && MediaTypes.IsSupportedManifest(header))
        {
            if (declared is not null && declared != header)
            {
                throw Invalid($"mediaType \"{declared}\" does not match Content-Type \"{header}\"");
            }

            return header;
        }

        if (declared is not null && MediaTypes.IsSupportedManifest(declared))
        {
            return declared;
        }

        throw Invalid($"unsupported manifest media type \"{declared ?? header ?? "(none)"}\"");
    }

    /// <summary>Strips parameters (e.g. "; charset=utf-8") and whitespace from a Content-Type value.</summary>
    public static string? NormalizeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var value = semicolon < 0 ? contentType : contentType[..semicolon];
        return value.Trim().ToLowerInvariant();
    }

    private static List<Descriptor> ParseDescriptors(JsonElement array, string what)
    {
        var list = new List<Descriptor>(array.GetArrayLength());
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            list.Add(ParseDescriptor(element, $"{what}[{i}]"));
            i++;
        }

        return list;
    }

    private static Descriptor ParseDescriptor(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{what} must be a descriptor object");
        }

        var mediaType = OptionalString(element, "mediaType") ?? throw Invalid($"{what} has no mediaType");
        var digestText = OptionalString(element, "digest") ?? throw Invalid($"{what} has no digest");
        if (!Digest.TryParse(digestText, out var digest))
        {
            throw Invalid($"{what} has an invalid or unsupported digest \"{digestText}\"");
        }

        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw Invalid($"{what} has no valid size");
        }

        Platform? platform = null;
        if (element.TryGetProperty("platform", out var platformElement) && platformElement.ValueKind == JsonValueKind.Object)
        {
            platform = new Platform(
                OptionalString(platformElement, "architecture") ?? string.Empty,
                OptionalString(platformElement, "os") ?? string.Empty,
                OptionalString(platformElement, "variant"));
        }

        List<string>? urls = null;
        if (element.TryGetProperty("urls", out var urlsElement) && urlsElement.ValueKind == JsonValueKind.Array)
        {
            urls = [];
            foreach (var url in urlsElement.EnumerateArray())
            {
                if (url.ValueKind == JsonValueKind.String)
                {
                    urls.Add(url.GetString() ?? string.Empty);
                }
            }
        }

        return new Descriptor(mediaType, digest, size, OptionalString(element, "artifactType"), ParseAnnotations(element, what), platform, urls);
    }

    private static Dictionary<string, string>? ParseAnnotations(JsonElement element, string what)
    {
        if (!element.TryGetProperty("annotations", out var annotations) || annotations.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (annotations.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{what} annotations must be an object of strings");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in annotations.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{what} annotation \"{property.Name}\" must be a string");
            }

            result[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return result;
    }

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"\"{name}\" must be a string");
    }

    private static RegistryException Invalid(string message) => new(OciErrorCode.ManifestInvalid, message);
}
