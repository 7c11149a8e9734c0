using System.Text.Json.Serialization;

namespace Speedy.Index.Keys;

/// <summary>A JSON Web Key Set (RFC 7517) of public EC keys.</summary>
internal sealed record JwksDocument([property: JsonPropertyName("keys")] IReadOnlyList<JwksKey> Keys);

internal sealed record JwksKey(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("crv")] string Curve,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y);
