using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Speedy.Index.Store;
using Speedy.Index.Tokens;

namespace Speedy.Index;

/// <summary>The first start: an empty store gets the administrator <c>admin</c>, whose one-time password is printed once.</summary>
public static class IndexBootstrap
{
    public const string AdminName = "admin";

    /// <summary>
    /// Creates <c>admin</c> (an administrator) with a random password and writes it to <paramref name="output"/>, if
    /// the store has no account. The password is stored only as its bcrypt hash.
    /// </summary>
    /// <returns>The password, or null when the store already had accounts (nothing is written then).</returns>
    public static async Task<string?> EnsureAdminAsync(
        IIndexStore store, PasswordHasher hasher, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(output);
        if (await store.HasAccountsAsync(cancellationToken))
        {
            return null;
        }

        var password = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
        try
        {
            await store.CreateUserAsync(AdminName, hasher.Hash(password), isAdmin: true, cancellationToken);
        }
        catch (IndexConflictException)
        {
            // Another index on the same database bootstrapped first; it printed the password.
            return null;
        }

        await store.AppendAuditAsync(new AuditRecord(string.Empty, AuditActions.UserCreated, AdminName, "bootstrap administrator"), cancellationToken);
        await output.WriteLineAsync($"speedy index: created admin user; one-time password: {password}; change it");
        await output.FlushAsync(cancellationToken);
        return password;
    }
}
