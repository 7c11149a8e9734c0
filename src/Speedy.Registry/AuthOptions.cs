using System.Diagnostics.CodeAnalysis;
using Speedy.Auth;

namespace Speedy.Registry;

/// <summary>How the registry authenticates and authorizes requests (the <c>Auth</c> section; <c>--auth*</c> flags).</summary>
public sealed class AuthOptions
{
    /// <summary>The realm of the Basic challenge in htpasswd mode when <see cref="Realm"/> is not set.</summary>
    public const string DefaultBasicRealm = "speedy";

    /// <summary><see cref="AuthModes.None"/>, <see cref="AuthModes.Htpasswd"/> or <see cref="AuthModes.Token"/>.</summary>
    public string Mode { get; set; } = AuthModes.None;

    /// <summary>Token mode: the index's token endpoint clients are sent to (absolute URL). Htpasswd mode: the Basic realm.</summary>
    public string? Realm { get; set; }

    /// <summary>The name of this registry in challenges, and the audience its tokens must carry.</summary>
    public string Service { get; set; } = TokenProtocol.DefaultService;

    /// <summary>The issuer the index's tokens must carry.</summary>
    public string Issuer { get; set; } = TokenProtocol.DefaultIssuer;

    /// <summary>Token mode: where the index publishes its public keys (absolute URL of the JWKS).</summary>
    public string? Jwks { get; set; }

    /// <summary>Htpasswd mode: the file of users and bcrypt hashes.</summary>
    public string? Htpasswd { get; set; }

    /// <summary>
    /// Checks the settings of the chosen mode, reading the htpasswd file so that a bad line stops the start.
    /// </summary>
    /// <param name="keySourceProvided">Token mode gets its keys in process (<c>speedy server</c>), so no JWKS URL is needed.</param>
    /// <exception cref="FormatException">A setting is missing or malformed.</exception>
    /// <exception cref="FileNotFoundException">The htpasswd file does not exist.</exception>
    /// <exception cref="InvalidDataException">The htpasswd file has a malformed line or a hash that is not bcrypt.</exception>
    public void Validate(bool keySourceProvided = false)
    {
        switch (Mode)
        {
            case AuthModes.None:
                return;
            case AuthModes.Htpasswd:
                if (string.IsNullOrEmpty(Htpasswd))
                {
                    throw new FormatException("htpasswd authentication needs --htpasswd, the file of users and bcrypt hashes");
                }

                if (!File.Exists(Htpasswd))
                {
                    throw new FileNotFoundException($"the htpasswd file {Htpasswd} does not exist", Htpasswd);
                }

                if (Realm is not null)
                {
                    CheckQuotable(Realm, "--auth-realm");
                }

                HtpasswdFile.Load(Htpasswd);
                return;
            case AuthModes.Token:
                if (!IsHttpUrl(Realm))
                {
                    throw new FormatException("token authentication needs --auth-realm, the absolute http(s) URL of the index's token endpoint (e.g. https://index.example.com/token)");
                }

                CheckQuotable(Realm, "--auth-realm");
                CheckQuotable(Service, "--auth-service");
                CheckQuotable(Issuer, "--auth-issuer");
                if (Jwks is not null || !keySourceProvided)
                {
                    if (!IsHttpUrl(Jwks))
                    {
                        throw new FormatException("token authentication needs --auth-jwks, the absolute http(s) URL of the index's key set (e.g. https://index.example.com/.well-known/jwks.json)");
                    }
                }

                return;
            default:
                throw new FormatException($"unknown auth mode \"{Mode}\"; use none, htpasswd or token");
        }
    }

    private static bool IsHttpUrl([NotNullWhen(true)] string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>The value goes into a quoted challenge parameter: no quotes, backslashes or control characters.</summary>
    private static void CheckQuotable(string value, string flag)
    {
        if (value.Length == 0)
        {
            throw new FormatException($"{flag} must not be empty");
        }

        foreach (var c in value)
        {
            if (c is '"' or '\\' || char.IsControl(c) || c > '~')
            {
                throw new FormatException($"{flag} must be printable ASCII without quotes or backslashes");
            }
        }
    }
}
