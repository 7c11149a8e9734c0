namespace Speedy.Registry;

/// <summary>The values of <see cref="AuthOptions.Mode"/>.</summary>
public static class AuthModes
{
    /// <summary>Every request is served; the registry trusts its network.</summary>
    public const string None = "none";

    /// <summary>HTTP Basic against an htpasswd file (bcrypt); every valid user may do everything, as in Distribution.</summary>
    public const string Htpasswd = "htpasswd";

    /// <summary>Docker's token authentication: bearer tokens issued by the index, checked against its public keys.</summary>
    public const string Token = "token";
}
