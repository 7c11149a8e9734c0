using System.Text.Json.Serialization;

namespace Speedy.MetaServer;

/// <summary>
/// The meta server's JSON, source-generated. Required constructor parameters and non-nullable references are
/// enforced, so a body missing a field or carrying a <c>null</c> one is refused as invalid JSON (400).
/// </summary>
[JsonSerializable(typeof(FragmentListDocument))]
[JsonSerializable(typeof(AppendFragmentsRequest))]
[JsonSerializable(typeof(AppendFragmentsResult))]
[JsonSerializable(typeof(ListPage))]
[JsonSerializable(typeof(MoveRequest))]
[JsonSerializable(typeof(MetaError))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
internal sealed partial class MetaJsonContext : JsonSerializerContext;
