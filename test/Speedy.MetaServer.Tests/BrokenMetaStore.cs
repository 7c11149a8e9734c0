namespace Speedy.MetaServer.Tests;

/// <summary>A store whose every operation fails, as one whose disk or database went away: its server answers 500.</summary>
public sealed class BrokenMetaStore : IMetaStore
{
    private int _calls;

    /// <summary>How many operations reached the store.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public ValueTask PutAsync(string path, MetaEntry entry, CancellationToken cancellationToken) => throw Fail();

    public ValueTask<MetaEntry?> GetAsync(string path, CancellationToken cancellationToken) => throw Fail();

    public ValueTask<MetaFileInfo?> StatAsync(string path, CancellationToken cancellationToken) => throw Fail();

    public ValueTask<IReadOnlyList<string>> ListAsync(string directory, string? startAfter, int limit, CancellationToken cancellationToken) =>
        throw Fail();

    public ValueTask<bool> MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken) => throw Fail();

    public ValueTask<bool> DeleteAsync(string path, CancellationToken cancellationToken) => throw Fail();

    public ValueTask<long> AppendFragmentsAsync(string path, IReadOnlyList<MetaFragment> fragments, CancellationToken cancellationToken) =>
        throw Fail();

    private IOException Fail()
    {
        Interlocked.Increment(ref _calls);
        return new IOException("the disk went away");
    }
}
