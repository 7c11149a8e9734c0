using System.Text.Json.Serialization;

namespace Speedy.LoadTest;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LoadTestReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
