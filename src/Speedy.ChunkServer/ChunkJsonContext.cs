using System.Text.Json.Serialization;

namespace Speedy.ChunkServer;

[JsonSerializable(typeof(NeedleWritten))]
[JsonSerializable(typeof(VolumeStatus))]
[JsonSerializable(typeof(List<VolumeStatus>))]
[JsonSerializable(typeof(CompactionStatus))]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(Heartbeat))]
[JsonSerializable(typeof(HeartbeatAnswer))]
[JsonSerializable(typeof(VolumeManifest))]
[JsonSerializable(typeof(ChunkError))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class ChunkJsonContext : JsonSerializerContext;
