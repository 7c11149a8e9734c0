using System.Text.Json.Serialization;

namespace Speedy.ImageServer;

[JsonSerializable(typeof(FragmentStored))]
[JsonSerializable(typeof(ImageError))]
[JsonSerializable(typeof(ChunkNeedleWritten))]
[JsonSerializable(typeof(ChunkErrorBody))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class ImageJsonContext : JsonSerializerContext;
