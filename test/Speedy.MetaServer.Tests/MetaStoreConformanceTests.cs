using System.Text;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// The contract of <see cref="IMetaStore"/>, run against every store: subclass it once per store and implement
/// <see cref="OpenStoreAsync"/> (a fresh, empty store per test; calling it again reopens the same one) and
/// <see cref="FindInconsistenciesAsync"/>. When a test ends, <see cref="DisposeAsync"/> fails it if the stored rows
/// break an invariant (<see cref="MetaStoreInvariants"/>): an orphan, an empty directory left behind, a fragment
/// that outlived its file.
/// </summary>
public abstract partial class MetaStoreConformanceTests : IAsyncLifetime
{
    private IMetaStore? _store;

    /// <summary>The clock the store under test reads; it stands still unless a test moves it.</summary>
    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 123, 456, TimeSpan.Zero));

    protected IMetaStore Store => _store ?? throw new InvalidOperationException("the store is opened in InitializeAsync");

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        _store = await OpenStoreAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_store is null)
        {
            return;
        }

        try
        {
            Assert.Empty(await FindInconsistenciesAsync(_store));
        }
        finally
        {
            await _store.DisposeAsync();
            _store = null;
        }
    }

    /// <summary>Opens the store of this test, reading <see cref="Clock"/>: empty the first time, the same one after.</summary>
    protected abstract ValueTask<IMetaStore> OpenStoreAsync();

    /// <summary>The broken invariants of the store's rows (see <see cref="MetaStoreInvariants"/>).</summary>
    protected abstract ValueTask<IReadOnlyList<string>> FindInconsistenciesAsync(IMetaStore store);

    /// <summary>Closes the store and opens it again, as a restarted meta server would.</summary>
    protected async ValueTask ReopenAsync()
    {
        var store = _store;
        _store = null;
        if (store is not null)
        {
            await store.DisposeAsync();
        }

        _store = await OpenStoreAsync();
    }

    protected static MetaEntry Inline(string text) => MetaEntry.Inline(Encoding.UTF8.GetBytes(text));

    protected static string Text(MetaEntry? entry)
    {
        Assert.NotNull(entry);
        Assert.True(entry.IsInline);
        return Encoding.UTF8.GetString(entry.Content.Span);
    }

    protected static MetaFragment Fragment(int index, long offset, int length, string tag = "") =>
        new(index, offset, length, $"{index + 1}.{offset:x},{tag}c0ffee", (uint)(index * 2654435761L));

    /// <summary>A complete fragmented file with fragments of the given lengths.</summary>
    protected static MetaEntry Fragments(string tag, params int[] lengths)
    {
        var fragments = new MetaFragment[lengths.Length];
        long offset = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            fragments[i] = Fragment(i, offset, lengths[i], tag);
            offset += lengths[i];
        }

        return MetaEntry.Fragmented(offset, fragments);
    }

    /// <summary>The entry of a file that must exist.</summary>
    protected async Task<MetaEntry> GetFileAsync(string path)
    {
        var entry = await Store.GetAsync(path, Token);
        Assert.NotNull(entry);
        return entry;
    }

    /// <summary>What Stat says of a path that must exist.</summary>
    protected async Task<MetaFileInfo> StatFileAsync(string path)
    {
        var info = await Store.StatAsync(path, Token);
        Assert.NotNull(info);
        return info.Value;
    }

    protected static void AssertSameEntry(MetaEntry expected, MetaEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.IsInline, actual.IsInline);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.Content.ToArray(), actual.Content.ToArray());
        Assert.Equal(expected.Fragments, actual.Fragments);
    }

    /// <summary>Every child of a directory, page by page, checking each page's size and order.</summary>
    protected async Task<List<string>> ListAllAsync(string directory, int pageSize = 1000)
    {
        var all = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Store.ListAsync(directory, after, pageSize, Token);
            Assert.True(page.Count <= pageSize);
            all.AddRange(page);
            if (page.Count < pageSize)
            {
                return all;
            }

            after = page[^1];
        }
    }

    protected static List<string> Ordinal(params string[] names)
    {
        var sorted = names.ToList();
        sorted.Sort(StringComparer.Ordinal);
        return sorted;
    }
}
