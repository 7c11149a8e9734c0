using System.Text.Json.Serialization;

namespace Speedy.Index.Tokens;

/// <summary>
/// Every error the index answers with: the registry error list docker reads (<c>errors[].code</c>, <c>message</c>) and
/// OAuth2's <c>error</c> / <c>error_description</c>, which OAuth2 clients read, in one body.
/// </summary>
internal sealed record ErrorResponse(
    [property: JsonPropertyName("errors")] IReadOnlyList<ErrorEntry> Errors,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);

internal sealed record ErrorEntry(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);
