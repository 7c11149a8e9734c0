using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Registry.Core;

namespace Speedy.Index.Web;

/// <summary>A repository as one viewer may see it, or nothing: a private repository without pull is indistinguishable from a missing one.</summary>
internal sealed record RepositoryAccess(Repository Repository, RepositoryRights Rights)
{
    public static async Task<RepositoryAccess?> LoadAsync(
        IIndexStore store, AccessPolicy policy, Account? viewer, string? name, CancellationToken cancellationToken)
    {
        if (name is null || !RepositoryName.IsValid(name) || await store.GetRepositoryAsync(name, cancellationToken) is not { } repository)
        {
            return null;
        }

        var rights = await RepositoryRights.GetAsync(policy, viewer, name, cancellationToken);
        return rights.Pull ? new RepositoryAccess(repository, rights) : null;
    }
}
