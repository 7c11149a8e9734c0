using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Speedy.Registry.Core.Hashing;

namespace Speedy.Registry.Core.Benchmarks;

/// <summary>
/// <see cref="ResumableHash"/> against .NET's <see cref="IncrementalHash"/> (which also runs OpenSSL's SHA-256 on
/// Linux, but cannot export its state), and the cost of carrying the state from one upload request to the next.
/// </summary>
[MemoryDiagnoser]
public class HashBenchmarks
{
    private readonly ResumableHash _resumable = ResumableHash.Create(DigestAlgorithm.Sha256);
    private readonly IncrementalHash _incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _data = [];
    private byte[] _state = [];

    [Params(1 << 20, 64 << 20)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(1).NextBytes(_data);

        // A partial block of 63 bytes: the largest SHA-256 state.
        using var hash = ResumableHash.Create(DigestAlgorithm.Sha256);
        hash.Append(_data.AsSpan(0, 1023));
        _state = hash.ExportState();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _resumable.Dispose();
        _incremental.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void IncrementalHashAppend() => _incremental.AppendData(_data);

    [Benchmark]
    public void ResumableHashAppend() => _resumable.Append(_data);

    [Benchmark]
    public long ExportStateAndRestore()
    {
        using var hash = ResumableHash.Restore(_state);
        return hash.ExportState().Length;
    }
}
