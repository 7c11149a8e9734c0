using Speedy.Registry.Core;

namespace Speedy.Registry.Storage;

internal sealed partial class RegistryStore
{
    /// <summary>Records the repository in the catalog once; later calls in this process cost nothing.</summary>
    public async ValueTask AddToCatalogAsync(string name, CancellationToken cancellationToken)
    {
        lock (_knownRepositoriesLock)
        {
            if (_knownRepositories.Contains(name))
            {
                return;
            }
        }

        var entry = RegistryPaths.CatalogEntry(name);
        if (!await ExistsAsync(entry, cancellationToken))
        {
            await _driver.PutContentAsync(entry, ReadOnlyMemory<byte>.Empty, cancellationToken);
        }

        lock (_knownRepositoriesLock)
        {
            _knownRepositories.Add(name);
        }
    }

    /// <summary>Repository names after <paramref name="last"/>, lexically ordered: one directory listing, no tree walk.</summary>
    public async ValueTask<Page> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken)
    {
        var entries = await TryListAsync(RegistryPaths.CatalogRoot, cancellationToken);
        var names = new List<string>(entries.Count);
        foreach (var entry in entries)
        {
            var name = RegistryPaths.NameFromCatalogEntry(entry);
            if (RepositoryName.IsValid(name))
            {
                names.Add(name);
            }
        }

        return Page.From(names, last, limit);
    }
}
