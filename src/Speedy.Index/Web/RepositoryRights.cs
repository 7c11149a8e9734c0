using Speedy.Auth;
using Speedy.Index.Store;
using Speedy.Index.Tokens;

namespace Speedy.Index.Web;

/// <summary>
/// What a viewer may do with a repository in the UI: exactly what the registry would let the same account do, as the
/// index's <see cref="AccessPolicy"/> grants it. Pull shows the repository (private ones are invisible without it),
/// push edits its description, delete removes tags and changes its visibility.
/// </summary>
internal sealed record RepositoryRights(bool Pull, bool Push, bool Delete)
{
    public static RepositoryRights None { get; } = new(false, false, false);

    public static async Task<RepositoryRights> GetAsync(
        AccessPolicy policy, Account? viewer, string repository, CancellationToken cancellationToken)
    {
        var requested = new ResourceAccess(ResourceTypes.Repository, repository, [ResourceActions.Pull, ResourceActions.Push, ResourceActions.Delete]);
        var granted = await policy.GrantAsync(viewer is null ? null : new IndexPrincipal(viewer), [requested], cancellationToken);
        if (granted.Count == 0)
        {
            return None;
        }

        var actions = granted[0].Actions;
        return new RepositoryRights(
            actions.Contains(ResourceActions.Pull), actions.Contains(ResourceActions.Push), actions.Contains(ResourceActions.Delete));
    }
}
