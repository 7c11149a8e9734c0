using System.Collections.Concurrent;
using Speedy.Index.Store;

namespace Speedy.Index.Tokens;

/// <summary>
/// Checks a name and a secret: a user's password, a user's personal access token (<c>spd_pat_…</c>), or a robot's
/// secret (<c>robot$ns+name</c> with <c>spd_robot_…</c>). Failures count against the account (stored: too many lock
/// it) and the remote address (in memory); both answer <see cref="LoginStatus.Throttled"/> while limited. Logins are
/// audited: failures always, a success when the credential is verified afresh (at most once per
/// <see cref="IndexOptions.VerificationCacheDuration"/> for a credential in use, since docker asks for a token per
/// operation with the same Basic credentials). Verified passwords are remembered that long too, so bcrypt (100+ ms)
/// runs once per period, not per request; the entry is keyed by the stored hash as well, so a password change ends it.
/// </summary>
public sealed class CredentialVerifier
{
    private const int MaxCacheEntries = 10_000;

    private readonly IIndexStore _store;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _timeProvider;
    private readonly IndexOptions _options;
    private readonly LockoutPolicy _lockout;
    private readonly AddressThrottle _addresses;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _verified = new(StringComparer.Ordinal);

    public CredentialVerifier(IIndexStore store, PasswordHasher hasher, IndexOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _hasher = hasher;
        _options = options;
        _timeProvider = timeProvider;
        _lockout = new LockoutPolicy(options.MaxFailedLogins, options.FailureWindow, options.LockoutDuration);
        _addresses = new AddressThrottle(options.MaxFailedLoginsPerAddress, options.FailureWindow, timeProvider);
    }

    /// <param name="name">The account name as given.</param>
    /// <param name="secret">The password, token or robot secret.</param>
    /// <param name="remoteAddress">The client's address, for throttling and the audit log.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    public async Task<LoginResult> VerifyAsync(string name, string secret, string remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(remoteAddress);
        if (_addresses.RetryAfter(remoteAddress) is { } wait)
        {
            await AuditAsync(name, AuditActions.LoginLocked, "too many failures from this address", remoteAddress, cancellationToken);
            return LoginResult.Throttled(wait);
        }

        var now = _timeProvider.GetUtcNow();
        var account = name.Length is > 0 and <= 300 ? await _store.GetAccountAsync(name, cancellationToken) : null;
        if (account is null)
        {
            if (!secret.StartsWith(IndexSecrets.AccessTokenPrefix, StringComparison.Ordinal) && !IndexNames.TrySplitRobot(name, out _, out _))
            {
                _hasher.VerifyNothing(secret);
            }

            return await FailAsync(null, name, "unknown account", remoteAddress, cancellationToken);
        }

        if (account.IsLockedAt(now))
        {
            await AuditAsync(name, AuditActions.LoginLocked, "account locked", remoteAddress, cancellationToken);
            return LoginResult.Throttled(account.LockedUntil!.Value - now); // IsLockedAt means LockedUntil is set.
        }

        var cacheKey = $"{account.Id}\n{account.SecretHash}\n{IndexSecrets.Hash(secret)}";
        var recentlyVerified = _verified.TryGetValue(cacheKey, out var until) && until > now;
        AccessToken? token = null;
        string? failure;
        if (account.IsDisabled)
        {
            failure = "account disabled";
        }
        else if (account.IsRobot)
        {
            failure = account.IsExpiredAt(now) ? "robot expired"
                : IndexSecrets.Matches(secret, account.SecretHash) ? null : "wrong secret";
        }
        else if (secret.StartsWith(IndexSecrets.AccessTokenPrefix, StringComparison.Ordinal))
        {
            token = await _store.FindAccessTokenAsync(IndexSecrets.Hash(secret), cancellationToken);
            failure = token is null || token.AccountId != account.Id ? "unknown access token"
                : token.RevokedAt is not null ? "access token revoked"
                : !token.IsActiveAt(now) ? "access token expired"
                : null;
        }
        else
        {
            failure = recentlyVerified || PasswordHasher.Verify(secret, account.SecretHash) ? null : "wrong password";
        }

        if (failure is not null)
        {
            _verified.TryRemove(cacheKey, out _);
            return await FailAsync(account, name, failure, remoteAddress, cancellationToken);
        }

        if (token is not null)
        {
            await _store.MarkAccessTokenUsedAsync(token.Id, cancellationToken);
        }

        if (!recentlyVerified)
        {
            Remember(cacheKey, now);
            await _store.RecordLoginSuccessAsync(account.Id, cancellationToken);
            var how = token is not null ? $"access token \"{token.Name}\"" : account.IsRobot ? "robot secret" : "password";
            await AuditAsync(account.Name, AuditActions.LoginSucceeded, how, remoteAddress, cancellationToken);
        }

        return new LoginResult(LoginStatus.Succeeded, new IndexPrincipal(account, token));
    }

    /// <summary>Counts a failure that is not a secret check (a bad refresh token) against the address, and audits it.</summary>
    public async Task<LoginResult> FailAsync(string name, string reason, string remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(remoteAddress);
        if (_addresses.RetryAfter(remoteAddress) is { } wait)
        {
            return LoginResult.Throttled(wait);
        }

        return await FailAsync(null, name, reason, remoteAddress, cancellationToken);
    }

    private async Task<LoginResult> FailAsync(
        Account? account, string name, string reason, string remoteAddress, CancellationToken cancellationToken)
    {
        _addresses.Fail(remoteAddress);
        if (account is not null && await _store.RecordLoginFailureAsync(account.Id, _lockout, cancellationToken) is { LockedUntil: { } until })
        {
            await AuditAsync(name, AuditActions.LoginLocked, $"{reason}; locked until {until:O}", remoteAddress, cancellationToken);
            return LoginResult.Throttled(until - _timeProvider.GetUtcNow());
        }

        await AuditAsync(name, AuditActions.LoginFailed, reason, remoteAddress, cancellationToken);
        return LoginResult.Failed;
    }

    private void Remember(string key, DateTimeOffset now)
    {
        if (_verified.Count >= MaxCacheEntries)
        {
            foreach (var (stale, until) in _verified)
            {
                if (until <= now)
                {
                    _verified.TryRemove(stale, out _);
                }
            }

            if (_verified.Count >= MaxCacheEntries)
            {
                _verified.Clear();
            }
        }

        _verified[key] = now + _options.VerificationCacheDuration;
    }

    private Task AuditAsync(string actor, string action, string detail, string remoteAddress, CancellationToken cancellationToken) =>
        _store.AppendAuditAsync(new AuditRecord(Truncate(actor), action, Truncate(actor), detail, remoteAddress), cancellationToken);

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200];
}
