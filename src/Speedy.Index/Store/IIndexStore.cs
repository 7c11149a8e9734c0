namespace Speedy.Index.Store;

/// <summary>
/// The index's metadata: accounts (users and robots), personal access tokens, refresh tokens, namespaces and their
/// members, repositories with their stars and counters, and the audit log. Implemented by
/// <see cref="SqliteIndexStore"/> (embedded, the default) and <see cref="PostgresIndexStore"/> (highly available), both
/// held to one conformance suite.
/// </summary>
/// <remarks>
/// <para>Every write is one transaction. Methods that name something missing return <see langword="false"/> or
/// <see langword="null"/>; a write that clashes with what is there (a taken name, removing the last owner) throws
/// <see cref="IndexConflictException"/> and changes nothing. Names are validated by the callers
/// (<see cref="IndexNames"/>, the repository grammar); the store stores what it is given.</para>
/// <para>Secrets are never stored: users have bcrypt hashes, tokens and robots the SHA-256 of their random secret.</para>
/// <para>The methods return <see cref="Task"/>, not ValueTask: every call is a database round trip.</para>
/// </remarks>
public interface IIndexStore : IAsyncDisposable
{
    /// <summary>Whether any account exists (the first start creates the administrator when none does).</summary>
    Task<bool> HasAccountsAsync(CancellationToken cancellationToken);

    /// <summary>Creates a user and its namespace (kind user, same name), the user its owner.</summary>
    /// <exception cref="IndexConflictException">The name is taken by an account or a namespace.</exception>
    Task<Account> CreateUserAsync(string name, string passwordHash, bool isAdmin, CancellationToken cancellationToken);

    Task<Account?> GetAccountAsync(string name, CancellationToken cancellationToken);

    Task<Account?> GetAccountAsync(long id, CancellationToken cancellationToken);

    Task<PagedList<Account>> ListAccountsAsync(AccountQuery query, CancellationToken cancellationToken);

    /// <summary>Replaces a user's password hash and lifts a lockout.</summary>
    Task<bool> SetPasswordHashAsync(long accountId, string passwordHash, CancellationToken cancellationToken);

    Task<bool> SetAdminAsync(long accountId, bool isAdmin, CancellationToken cancellationToken);

    /// <summary>Disables or enables an account; a disabled account gets no tokens.</summary>
    Task<bool> SetDisabledAsync(long accountId, bool isDisabled, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failed sign-in: the count restarts when the previous failures are older than the policy's window,
    /// and reaching the maximum locks the account for the policy's duration (counted from now).
    /// </summary>
    Task<LoginFailure> RecordLoginFailureAsync(long accountId, LockoutPolicy policy, CancellationToken cancellationToken);

    /// <summary>Clears the failure count and sets the last login time.</summary>
    Task RecordLoginSuccessAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Creates a robot account in an existing namespace.</summary>
    /// <returns>The robot, or <see langword="null"/> when the namespace does not exist.</returns>
    /// <exception cref="IndexConflictException">The namespace already has a robot of that name.</exception>
    Task<Account?> CreateRobotAsync(RobotSpec spec, CancellationToken cancellationToken);

    /// <summary>Replaces a robot's rights.</summary>
    Task<bool> SetRobotRightsAsync(long robotId, IReadOnlyList<RobotRight> rights, CancellationToken cancellationToken);

    /// <summary>Deletes a robot account (its secret stops working at once).</summary>
    Task<bool> DeleteRobotAsync(long robotId, CancellationToken cancellationToken);

    /// <summary>Stores a personal access token of an account.</summary>
    Task<AccessToken> CreateAccessTokenAsync(
        long accountId, string name, string secretHash, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt,
        CancellationToken cancellationToken);

    /// <summary>The token whose secret has this SHA-256, revoked and expired ones included.</summary>
    Task<AccessToken?> FindAccessTokenAsync(string secretHash, CancellationToken cancellationToken);

    /// <summary>An account's tokens, newest first, revoked ones included.</summary>
    Task<IReadOnlyList<AccessToken>> ListAccessTokensAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Revokes a token of the account; false when it has no such token or it was already revoked.</summary>
    Task<bool> RevokeAccessTokenAsync(long accountId, long tokenId, CancellationToken cancellationToken);

    /// <summary>Sets a token's last use to now, unless it was already set within the last minute (no write per request).</summary>
    Task MarkAccessTokenUsedAsync(long tokenId, CancellationToken cancellationToken);

    Task<RefreshToken> CreateRefreshTokenAsync(
        long accountId, string secretHash, string clientId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>The refresh token whose secret has this SHA-256, revoked and expired ones included.</summary>
    Task<RefreshToken?> FindRefreshTokenAsync(string secretHash, CancellationToken cancellationToken);

    Task<bool> RevokeRefreshTokenAsync(long tokenId, CancellationToken cancellationToken);

    /// <summary>Revokes every refresh token of an account (sign out everywhere, a password change).</summary>
    /// <returns>How many were revoked.</returns>
    Task<int> RevokeRefreshTokensAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Creates an organization with one owner.</summary>
    /// <returns>The organization, or <see langword="null"/> when the owner account does not exist.</returns>
    /// <exception cref="IndexConflictException">The name is taken by an account or a namespace.</exception>
    Task<NamespaceInfo?> CreateOrganizationAsync(
        string name, long ownerAccountId, string description, CancellationToken cancellationToken);

    Task<NamespaceInfo?> GetNamespaceAsync(string name, CancellationToken cancellationToken);

    Task<PagedList<NamespaceInfo>> ListNamespacesAsync(NamespaceQuery query, CancellationToken cancellationToken);

    Task<bool> SetNamespaceDescriptionAsync(string name, string description, CancellationToken cancellationToken);

    /// <summary>A namespace's members ordered by name; empty when it does not exist.</summary>
    Task<IReadOnlyList<NamespaceMember>> ListMembersAsync(string namespaceName, CancellationToken cancellationToken);

    /// <summary>The account's role in the namespace, or null when it is not a member (or either is missing).</summary>
    Task<NamespaceRole?> GetRoleAsync(string namespaceName, long accountId, CancellationToken cancellationToken);

    /// <summary>Adds a member or changes its role.</summary>
    /// <returns>False when the namespace or the account does not exist, or the account is a robot.</returns>
    /// <exception cref="IndexConflictException">It would leave the namespace without an owner.</exception>
    Task<bool> SetMemberAsync(string namespaceName, long accountId, NamespaceRole role, CancellationToken cancellationToken);

    /// <returns>False when the account was not a member.</returns>
    /// <exception cref="IndexConflictException">It would leave the namespace without an owner.</exception>
    Task<bool> RemoveMemberAsync(string namespaceName, long accountId, CancellationToken cancellationToken);

    Task<Repository?> GetRepositoryAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates a repository before anything is pushed to it.</summary>
    /// <exception cref="IndexConflictException">It exists.</exception>
    Task<Repository> CreateRepositoryAsync(string name, bool isPublic, string description, CancellationToken cancellationToken);

    /// <summary>Records a push: creates the repository (private) if it is new, and moves its last push forward.</summary>
    Task<Repository> RecordPushAsync(string name, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>Adds counted pulls to their repositories in one transaction; unknown repositories are skipped.</summary>
    Task RecordPullsAsync(IReadOnlyList<PullCount> pulls, CancellationToken cancellationToken);

    Task<bool> SetRepositoryVisibilityAsync(string name, bool isPublic, CancellationToken cancellationToken);

    Task<bool> SetRepositoryDescriptionAsync(string name, string description, CancellationToken cancellationToken);

    /// <summary>Deletes a repository's metadata and its stars (its content is the registry's).</summary>
    Task<bool> DeleteRepositoryAsync(string name, CancellationToken cancellationToken);

    /// <summary>One page of repositories the viewer may see, filtered, searched and sorted as asked.</summary>
    Task<PagedList<Repository>> SearchRepositoriesAsync(RepositoryQuery query, CancellationToken cancellationToken);

    /// <returns>True when it was not starred before; false when it already was or the repository does not exist.</returns>
    Task<bool> StarAsync(long accountId, string repository, CancellationToken cancellationToken);

    /// <returns>True when it was starred.</returns>
    Task<bool> UnstarAsync(long accountId, string repository, CancellationToken cancellationToken);

    Task<bool> IsStarredAsync(long accountId, string repository, CancellationToken cancellationToken);

    Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken);
}
