using System.Text.Json.Serialization;

namespace Speedy.Storage.Cluster;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredFragment))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
