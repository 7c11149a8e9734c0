namespace Speedy.Auth;

/// <summary>The names the index and the registry agree on for Docker's token authentication.</summary>
public static class TokenProtocol
{
    /// <summary>The token endpoint (<c>GET</c> with Basic credentials or anonymous; OAuth2 <c>POST</c>), the registry's realm.</summary>
    public const string TokenPath = "/token";

    /// <summary>Where the index publishes its public signing keys as a JSON Web Key Set.</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>The JWT claim that lists granted <see cref="ResourceAccess"/> entries.</summary>
    public const string AccessClaim = "access";

    /// <summary>The issuer both sides use unless configured otherwise.</summary>
    public const string DefaultIssuer = "speedy-index";

    /// <summary>The service (the token's audience) both sides use unless configured otherwise.</summary>
    public const string DefaultService = "speedy-registry";

    /// <summary>How long an access token lives: short, as the spec intends (clients fetch a new one per operation).</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(5);
}
