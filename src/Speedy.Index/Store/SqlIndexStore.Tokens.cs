using System.Data.Common;

namespace Speedy.Index.Store;

/// <summary>Personal access tokens and refresh tokens, stored by the SHA-256 of their secrets.</summary>
public abstract partial class SqlIndexStore
{
    /// <summary>How stale a token's last use may be before using it is written down again.</summary>
    private static readonly TimeSpan s_lastUsedResolution = TimeSpan.FromMinutes(1);

    public Task<AccessToken> CreateAccessTokenAsync(
        long accountId, string name, string secretHash, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(secretHash);
        ArgumentNullException.ThrowIfNull(scopes);
        var now = Now();
        return WriteUniqueAsync(
            async session => new AccessToken
            {
                Id = (await session.ScalarAsync(
                    """
                    INSERT INTO access_tokens (account_id, name, secret_hash, scopes, created, expires_at)
                    VALUES (@account, @name, @hash, @scopes, @now, @expires) RETURNING id
                    """,
                    ("@account", accountId), ("@name", name), ("@hash", secretHash), ("@scopes", JoinList(scopes)),
                    ("@now", now), ("@expires", StoredTime.FromOrNull(expiresAt))))!.Value, // RETURNING yields the row.
                AccountId = accountId,
                Name = name,
                Scopes = [.. scopes],
                Created = StoredTime.To(now),
                ExpiresAt = expiresAt,
            },
            "a token with this secret exists",
            cancellationToken);
    }

    public Task<AccessToken?> FindAccessTokenAsync(string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        return ReadAsync(
            session => session.FirstAsync(
                $"SELECT {TokenColumns} FROM access_tokens WHERE secret_hash = @hash", ReadAccessToken, ("@hash", secretHash)),
            cancellationToken);
    }

    public Task<IReadOnlyList<AccessToken>> ListAccessTokensAsync(long accountId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<AccessToken>>(
            async session => await session.QueryAsync(
                $"SELECT {TokenColumns} FROM access_tokens WHERE account_id = @account ORDER BY id DESC",
                ReadAccessToken,
                ("@account", accountId)),
            cancellationToken);

    public Task<bool> RevokeAccessTokenAsync(long accountId, long tokenId, CancellationToken cancellationToken) =>
        WriteAsync(
            async session => await session.ExecuteAsync(
                "UPDATE access_tokens SET revoked_at = @now WHERE id = @id AND account_id = @account AND revoked_at IS NULL",
                ("@now", Now()), ("@id", tokenId), ("@account", accountId)) == 1,
            cancellationToken);

    public Task MarkAccessTokenUsedAsync(long tokenId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        return WriteAsync(
            session => session.ExecuteAsync(
                "UPDATE access_tokens SET last_used = @now WHERE id = @id AND (last_used IS NULL OR last_used <= @stale)",
                ("@now", StoredTime.From(now)), ("@id", tokenId), ("@stale", StoredTime.From(now - s_lastUsedResolution))),
            cancellationToken);
    }

    public Task<RefreshToken> CreateRefreshTokenAsync(
        long accountId, string secretHash, string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretHash);
        ArgumentNullException.ThrowIfNull(clientId);
        var now = Now();
        return WriteUniqueAsync(
            async session => new RefreshToken
            {
                Id = (await session.ScalarAsync(
                    """
                    INSERT INTO refresh_tokens (account_id, secret_hash, client_id, created, expires_at)
                    VALUES (@account, @hash, @client, @now, @expires) RETURNING id
                    """,
                    ("@account", accountId), ("@hash", secretHash), ("@client", clientId), ("@now", now),
                    ("@expires", StoredTime.From(expiresAt))))!.Value, // RETURNING yields the row.
                AccountId = accountId,
                ClientId = clientId,
                Created = StoredTime.To(now),
                ExpiresAt = expiresAt,
            },
            "a refresh token with this secret exists",
            cancellationToken);
    }

    public Task<RefreshToken?> FindRefreshTokenAsync(string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        return ReadAsync(
            session => session.FirstAsync(
                $"SELECT {RefreshColumns} FROM refresh_tokens WHERE secret_hash = @hash", ReadRefreshToken, ("@hash", secretHash)),
            cancellationToken);
    }

    public Task<bool> RevokeRefreshTokenAsync(long tokenId, CancellationToken cancellationToken) =>
        WriteAsync(
            async session => await session.ExecuteAsync(
                "UPDATE refresh_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL",
                ("@now", Now()), ("@id", tokenId)) == 1,
            cancellationToken);

    public Task<int> RevokeRefreshTokensAsync(long accountId, CancellationToken cancellationToken) =>
        WriteAsync(
            session => session.ExecuteAsync(
                "UPDATE refresh_tokens SET revoked_at = @now WHERE account_id = @account AND revoked_at IS NULL",
                ("@now", Now()), ("@account", accountId)),
            cancellationToken);

    private static AccessToken ReadAccessToken(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        AccountId = reader.GetInt64(1),
        Name = reader.GetString(2),
        Scopes = SplitList(reader.GetString(3)),
        Created = StoredTime.To(reader.GetInt64(4)),
        ExpiresAt = TimeOrNull(reader, 5),
        LastUsed = TimeOrNull(reader, 6),
        RevokedAt = TimeOrNull(reader, 7),
    };

    private static RefreshToken ReadRefreshToken(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        AccountId = reader.GetInt64(1),
        ClientId = reader.GetString(2),
        Created = StoredTime.To(reader.GetInt64(3)),
        ExpiresAt = StoredTime.To(reader.GetInt64(4)),
        RevokedAt = TimeOrNull(reader, 5),
    };
}
