using System.Text.Json;
using Speedy.Registry.Core;
using Speedy.Registry.Core.Manifests;
using Speedy.Registry.Http;

namespace Speedy.Registry.Storage;

/// <summary>The descriptor of a referrer as the referrers API lists it, stored when its manifest is pushed.</summary>
internal static class ReferrerDescriptor
{
    public static byte[] Serialize(ParsedManifest manifest, Digest digest, long size)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("mediaType", manifest.MediaType);
            writer.WriteString("digest", digest.ToString());
            writer.WriteNumber("size", size);
            if (manifest.EffectiveArtifactType is { } artifactType)
            {
                writer.WriteString("artifactType", artifactType);
            }

            if (manifest.Annotations is { Count: > 0 } annotations)
            {
                writer.WriteStartObject("annotations");
                foreach (var (key, value) in annotations)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The <c>artifactType</c> of a stored descriptor, or null.</summary>
    public static string? ReadArtifactType(byte[] descriptor)
    {
        var reader = new Utf8JsonReader(descriptor);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("artifactType"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth > 0)
            {
                reader.Skip();
            }
        }

        return null;
    }
}
