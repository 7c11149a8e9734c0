using Speedy.Auth;
using Speedy.Hosting;

namespace Speedy.Index;

/// <summary>The index's settings, bound from configuration (<c>speedy index</c> flags, <c>SPEEDY_</c> variables) and validated on start.</summary>
public sealed class IndexOptions
{
    public const string SqliteDatabase = "sqlite";
    public const string PostgresDatabase = "postgres";
    public const string DefaultListen = "127.0.0.1:5001";

    /// <summary><c>host:port</c> to listen on when the index runs alone.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary>The data directory; the index keeps <c>index/index.db</c> (SQLite) and <c>index/keys/</c> in it.</summary>
    public string Data { get; set; } = "./data";

    /// <summary><see cref="SqliteDatabase"/> (default) or <see cref="PostgresDatabase"/>.</summary>
    public string Database { get; set; } = SqliteDatabase;

    /// <summary>The Npgsql connection string of the PostgreSQL store (<c>SPEEDY_CONNECTIONSTRING</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The tokens' <c>iss</c>; the registry checks it.</summary>
    public string Issuer { get; set; } = TokenProtocol.DefaultIssuer;

    /// <summary>The service (the tokens' <c>aud</c>) the registry names in its challenge; other services get 400.</summary>
    public string Service { get; set; } = TokenProtocol.DefaultService;

    /// <summary>The index's external base URL (e.g. <c>https://index.example.com</c>), for the realm and the JWKS URL it reports.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// The registry's base URL the web UI reads tags and manifests from (e.g. <c>http://127.0.0.1:5000/</c>); without
    /// it the repository and tag pages say the registry is unavailable.
    /// </summary>
    public string? RegistryUrl { get; set; }

    /// <summary>The registry as <c>docker pull</c> and <c>docker login</c> commands on the pages name it; <see cref="RegistryUrl"/>'s authority by default.</summary>
    public string? RegistryHost { get; set; }

    /// <summary>
    /// Base URLs of the Speedy masters behind the registry, for the admin health page; none: the page says the storage's
    /// health is not available. The host (<c>speedy index</c>) reads them: the index itself does not talk to masters.
    /// </summary>
    public List<string> Masters { get; set; } = [];

    /// <summary>The Bearer secret the registry sends with <c>POST /events</c>; without it the endpoint is not served.</summary>
    public string? EventsSecret { get; set; }

    /// <summary>bcrypt's work factor for new password hashes (4 to 31; each step doubles the cost).</summary>
    public int BcryptWorkFactor { get; set; } = 12;

    /// <summary>A new signing key is made when the newest is this old.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published before it signs: longer than the registries cache the JWKS, so every registry
    /// knows a key before it sees a token signed with it.
    /// </summary>
    public TimeSpan KeyPublishDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a refresh token (docker's stored login) lasts.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Failed sign-ins within <see cref="FailureWindow"/> that lock an account.</summary>
    public int MaxFailedLogins { get; set; } = 10;

    /// <summary>Failed sign-ins from one address within <see cref="FailureWindow"/> after which it is refused for the rest of the window.</summary>
    public int MaxFailedLoginsPerAddress { get; set; } = 50;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a verified password is remembered, so docker's frequent Basic-auth token requests skip bcrypt.</summary>
    public TimeSpan VerificationCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often counted pulls are written to the store.</summary>
    public TimeSpan PullFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The index's directory under <see cref="Data"/>.</summary>
    public string IndexDirectory => Path.Combine(Data, "index");

    /// <summary>Where the SQLite store keeps its database.</summary>
    public string DatabasePath => Path.Combine(IndexDirectory, "index.db");

    /// <summary>Where the signing keys are kept, one PEM file each.</summary>
    public string KeysDirectory => Path.Combine(IndexDirectory, "keys");

    /// <summary>Where the web UI keeps the keys that protect its sign-in cookie, so sessions survive a restart.</summary>
    public string WebKeysDirectory => Path.Combine(IndexDirectory, "web-keys");

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        ListenAddress.ParseFlag(Listen, DefaultListen);
        if (string.IsNullOrWhiteSpace(Data))
        {
            throw new ArgumentException("the index needs a data directory (--data)");
        }

        switch (Database)
        {
            case SqliteDatabase:
                break;
            case PostgresDatabase when string.IsNullOrWhiteSpace(ConnectionString):
                throw new ArgumentException(
                    "the PostgreSQL store needs a connection string (--connection-string or SPEEDY_CONNECTIONSTRING)");
            case PostgresDatabase:
                break;
            default:
                throw new ArgumentException($"unknown database \"{Database}\"; use {SqliteDatabase} or {PostgresDatabase} (--database)");
        }

        if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(Service))
        {
            throw new ArgumentException("the issuer (--issuer) and the service (--service) must not be empty");
        }

        if (PublicUrl is not null && !Uri.TryCreate(PublicUrl, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"the public URL \"{PublicUrl}\" is not an absolute URL (--public-url)");
        }

        if (RegistryUrl is not null && !IsHttpUrl(RegistryUrl))
        {
            throw new ArgumentException($"the registry URL \"{RegistryUrl}\" is not an absolute http or https URL (--registry-url)");
        }

        foreach (var master in Masters)
        {
            if (!IsHttpUrl(master))
            {
                throw new ArgumentException($"the master \"{master}\" is not an absolute http or https URL (--master)");
            }
        }

        if (EventsSecret is { Length: < 16 })
        {
            throw new ArgumentException("the events secret must have at least 16 characters (--events-secret)");
        }

        if (BcryptWorkFactor is < 4 or > 31)
        {
            throw new ArgumentException("the bcrypt work factor must be 4 to 31 (--bcrypt-work-factor)");
        }

        Positive(KeyRotationInterval, "KeyRotationInterval (--key-rotation)");
        Positive(KeyPublishDelay, "KeyPublishDelay (--key-publish-delay)");
        if (KeyPublishDelay >= KeyRotationInterval)
        {
            throw new ArgumentException("the key publish delay must be shorter than the key rotation interval");
        }

        Positive(RefreshTokenLifetime, "RefreshTokenLifetime");
        Positive(FailureWindow, "FailureWindow");
        Positive(LockoutDuration, "LockoutDuration");
        Positive(VerificationCacheDuration, "VerificationCacheDuration");
        Positive(PullFlushInterval, "PullFlushInterval");
        if (MaxFailedLogins < 1 || MaxFailedLoginsPerAddress < 1)
        {
            throw new ArgumentException("MaxFailedLogins and MaxFailedLoginsPerAddress must be positive");
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive");
        }
    }
}
