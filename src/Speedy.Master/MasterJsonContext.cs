using System.Text.Json.Serialization;

namespace Speedy.Master;

[JsonSerializable(typeof(Topology))]
[JsonSerializable(typeof(NeedleIdRange))]
[JsonSerializable(typeof(MasterHealth))]
[JsonSerializable(typeof(MasterError))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class MasterJsonContext : JsonSerializerContext;
