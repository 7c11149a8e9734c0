using System.Text.Json.Serialization;

namespace Speedy.Index.Tokens;

/// <summary>
/// The token endpoint's answer: <c>token</c> (Docker's name) and <c>access_token</c> (OAuth2's) carry the same JWT;
/// <c>refresh_token</c> only when an offline token was asked for with a password.
/// </summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("issued_at")] string IssuedAt,
    [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope);
