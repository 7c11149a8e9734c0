using Speedy.Auth;
using Speedy.Index.Store;

namespace Speedy.Index.Tokens;

/// <summary>
/// Decides what a token grants: for each requested <see cref="ResourceAccess"/>, the actions both asked for and
/// allowed; entries left with none are dropped (the registry then refuses the request).
/// </summary>
/// <remarks>
/// Allowed on repository <c>ns/…</c> (ns its first path component): to the namespace's owners pull, push and delete,
/// maintainers pull and push, readers pull; to anyone, anonymous included, pull of a public repository; to
/// administrators everything, and they alone get <c>registry:catalog:*</c>. A robot has only its own rights (plus public
/// pulls); a personal access token acts as its user limited to its scopes. A push right on the namespace covers
/// repositories that do not exist yet: the push creates them (private).
/// </remarks>
public sealed class AccessPolicy(IIndexStore store)
{
    private static readonly string[] s_everything = [ResourceActions.Pull, ResourceActions.Push, ResourceActions.Delete, ResourceActions.All];

    /// <param name="principal">Who asks; null for anonymous.</param>
    /// <param name="requested">What the client asked for, each already parsed strictly.</param>
    /// <param name="cancellationToken">Cancels the store lookups.</param>
    public async Task<IReadOnlyList<ResourceAccess>> GrantAsync(
        IndexPrincipal? principal, IReadOnlyList<ResourceAccess> requested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var granted = new List<ResourceAccess>(requested.Count);
        foreach (var request in requested)
        {
            var allowed = await AllowedAsync(principal, request, cancellationToken);
            if (principal?.AccessToken is { } token)
            {
                allowed = LimitToScopes(allowed, token.Scopes, request.Type);
            }

            if (request.Intersect(allowed) is { } entry)
            {
                granted.Add(entry);
            }
        }

        return granted;
    }

    private async Task<IReadOnlyList<string>> AllowedAsync(IndexPrincipal? principal, ResourceAccess request, CancellationToken cancellationToken)
    {
        var account = principal?.Account;
        if (request.Type == ResourceTypes.Registry)
        {
            // Listing every repository: administrators only.
            return account is { IsAdmin: true, IsRobot: false } ? [ResourceActions.All] : [];
        }

        if (request.Type != ResourceTypes.Repository)
        {
            return [];
        }

        if (account is { IsAdmin: true, IsRobot: false })
        {
            return s_everything;
        }

        var allowed = new HashSet<string>(StringComparer.Ordinal);
        var ns = IndexNames.NamespaceOf(request.Name);
        if (account is { IsRobot: true })
        {
            AddRobotRights(account, ns, request.Name, allowed);
        }
        else if (account is not null && ns.Length > 0 && await store.GetRoleAsync(ns, account.Id, cancellationToken) is { } role)
        {
            allowed.Add(ResourceActions.Pull);
            if (role >= NamespaceRole.Maintainer)
            {
                allowed.Add(ResourceActions.Push);
            }

            if (role == NamespaceRole.Owner)
            {
                allowed.Add(ResourceActions.Delete);
                allowed.Add(ResourceActions.All);
            }
        }

        if (!allowed.Contains(ResourceActions.Pull) && request.Actions.Contains(ResourceActions.Pull) &&
            await store.GetRepositoryAsync(request.Name, cancellationToken) is { IsPublic: true })
        {
            allowed.Add(ResourceActions.Pull);
        }

        return [.. allowed];
    }

    private static void AddRobotRights(Account robot, string ns, string repository, HashSet<string> allowed)
    {
        if (ns.Length == 0 || !string.Equals(robot.Namespace, ns, StringComparison.Ordinal))
        {
            return;
        }

        var path = repository[(ns.Length + 1)..];
        foreach (var right in robot.Rights)
        {
            if (right.Repository == RobotRight.AnyRepository || string.Equals(right.Repository, path, StringComparison.Ordinal))
            {
                allowed.UnionWith(right.Actions.Contains(ResourceActions.All) ? s_everything : right.Actions.Where(ResourceActions.IsRepositoryAction));
            }
        }

        if (allowed.IsSupersetOf([ResourceActions.Pull, ResourceActions.Push, ResourceActions.Delete]))
        {
            allowed.Add(ResourceActions.All);
        }
    }

    /// <summary>
    /// What a personal access token leaves of its user's rights: the actions in its scopes; <c>*</c> only when it has
    /// every action; the catalog (a read) when it may pull.
    /// </summary>
    private static string[] LimitToScopes(IReadOnlyList<string> allowed, IReadOnlyList<string> scopes, string type)
    {
        if (type == ResourceTypes.Registry)
        {
            return scopes.Contains(ResourceActions.Pull) ? [.. allowed] : [];
        }

        var everything = scopes.Contains(ResourceActions.Pull) && scopes.Contains(ResourceActions.Push) && scopes.Contains(ResourceActions.Delete);
        return [.. allowed.Where(action => action == ResourceActions.All ? everything : scopes.Contains(action))];
    }
}
