using BCrypt.Net;

namespace Speedy.Index.Tokens;

/// <summary>Users' passwords as bcrypt hashes (salted, slow), through BCrypt.Net-Next.</summary>
public sealed class PasswordHasher
{
    private readonly int _workFactor;
    private readonly Lazy<string> _dummyHash;

    /// <param name="workFactor">bcrypt's cost, 4 to 31 (12 in production; tests lower it).</param>
    public PasswordHasher(int workFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workFactor, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workFactor, 31);
        _workFactor = workFactor;
        _dummyHash = new Lazy<string>(() => Hash("speedy: no such account"));
    }

    public string Hash(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        return BCrypt.Net.BCrypt.HashPassword(password, _workFactor);
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>; false for a malformed hash.</summary>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(hash);
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (SaltParseException)
        {
            return false;
        }
    }

    /// <summary>Spends a verification's time for an account that does not exist, so timing does not tell which names do.</summary>
    public void VerifyNothing(string password) => Verify(password, _dummyHash.Value);
}
