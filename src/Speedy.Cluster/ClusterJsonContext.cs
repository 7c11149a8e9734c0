using System.Text.Json.Serialization;

namespace Speedy.Cluster;

[JsonSerializable(typeof(ClusterLayout))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
