using System.Text.Json.Serialization;

namespace Speedy.Registry.Uploads;

[JsonSerializable(typeof(UploadState))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class UploadStateJsonContext : JsonSerializerContext;
