using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Speedy.Index.Tokens;

/// <summary>
/// The random secrets the index hands out (shown once, stored only as SHA-256): personal access tokens
/// (<c>spd_pat_…</c>), robot secrets (<c>spd_robot_…</c>) and refresh tokens (<c>spd_refresh_…</c>). The prefixes let
/// people and secret scanners recognise a leaked one. 32 random bytes each, so a fast hash is enough.
/// </summary>
public static class IndexSecrets
{
    public const string AccessTokenPrefix = "spd_pat_";
    public const string RobotPrefix = "spd_robot_";
    public const string RefreshTokenPrefix = "spd_refresh_";

    /// <summary>A new secret: <paramref name="prefix"/> and 32 random bytes in base64url.</summary>
    public static string Create(string prefix) => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the secret's UTF-8, lower-case hex: what the store keeps.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="hash"/>, in constant time.</summary>
    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));
}
