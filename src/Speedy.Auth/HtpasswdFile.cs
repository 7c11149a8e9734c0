namespace Speedy.Auth;

/// <summary>
/// The users of an Apache htpasswd file, <c>user:hash</c> per line (blank lines and <c>#</c> comments skipped), as
/// the registry's simple mode reads it. Only bcrypt hashes (<c>$2y$</c>, <c>$2a$</c>, <c>$2b$</c>, as
/// <c>htpasswd -B</c> writes them) are accepted: a file with any other kind (MD5 <c>$apr1$</c>, SHA-1 <c>{SHA}</c>,
/// crypt, plain text) is refused as a whole when it is read, so a weak hash never silently protects a registry.
/// </summary>
public sealed class HtpasswdFile
{
    /// <summary>Verified against for an unknown user, so that a miss costs as much time as a wrong password.</summary>
    private static readonly string s_decoy = BCrypt.Net.BCrypt.HashPassword("speedy-decoy", 10);

    private readonly Dictionary<string, string> _hashes;

    private HtpasswdFile(Dictionary<string, string> hashes)
    {
        _hashes = hashes;
    }

    public int Count => _hashes.Count;

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A line is malformed or its hash is not bcrypt.</exception>
    public static HtpasswdFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <param name="text">The file's content.</param>
    /// <param name="source">The file's name in error messages.</param>
    /// <exception cref="InvalidDataException">A line is malformed or its hash is not bcrypt.</exception>
    public static HtpasswdFile Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"{source} line {number}: expected user:hash");
            }

            var user = line[..colon];
            var hash = line[(colon + 1)..];
            if (!IsBcrypt(hash))
            {
                throw new InvalidDataException(
                    $"{source} line {number}: the password of user \"{user}\" is {Describe(hash)}; only bcrypt hashes are supported (create them with htpasswd -B)");
            }

            if (!hashes.TryAdd(user, hash))
            {
                throw new InvalidDataException($"{source} line {number}: user \"{user}\" is listed twice");
            }
        }

        return new HtpasswdFile(hashes);
    }

    /// <summary>Whether <paramref name="password"/> is the password of <paramref name="user"/>; slow by design (bcrypt).</summary>
    public bool Verify(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (!_hashes.TryGetValue(user, out var hash))
        {
            BCrypt.Net.BCrypt.Verify(password, s_decoy);
            return false;
        }

        return BCrypt.Net.BCrypt.Verify(password, hash);
    }

    /// <summary><c>$2a$</c>, <c>$2b$</c> or <c>$2y$</c>, a two-digit cost from 04 to 31, <c>$</c>, and 53 characters of salt and hash.</summary>
    private static bool IsBcrypt(string hash)
    {
        if (hash.Length != 60 || hash[0] != '$' || hash[1] != '2' || hash[2] is not ('a' or 'b' or 'y') || hash[3] != '$' || hash[6] != '$'
            || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]))
        {
            return false;
        }

        var cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        if (cost is < 4 or > 31)
        {
            return false;
        }

        foreach (var c in hash.AsSpan(7))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(string hash) => hash switch
    {
        _ when hash.StartsWith("$apr1$", StringComparison.Ordinal) => "an MD5 ($apr1$) hash",
        _ when hash.StartsWith("{SHA}", StringComparison.Ordinal) => "a SHA-1 ({SHA}) hash",
        _ when hash.StartsWith("$1$", StringComparison.Ordinal) => "an MD5-crypt ($1$) hash",
        _ when hash.StartsWith("$5$", StringComparison.Ordinal) || hash.StartsWith("$6$", StringComparison.Ordinal) => "a SHA-crypt hash",
        _ when hash.StartsWith("$2", StringComparison.Ordinal) => "a malformed bcrypt hash",
        _ => "not a recognized hash (crypt or plain text)",
    };
}
