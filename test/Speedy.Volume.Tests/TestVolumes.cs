using Speedy.Testing;
using Speedy.Volume.CrashWriter;

namespace Speedy.Volume.Tests;

/// <summary>Options and needles for the volume tests.</summary>
internal static class TestVolumes
{
    public static readonly VolumeId Id = new(7);
    public static readonly GroupId Group = new(3);

    public static VolumeOptions Options(string directory, SyncPolicy policy = SyncPolicy.GroupCommit, long size = 16L << 20, VolumeFaults? faults = null) =>
        new()
        {
            Directory = directory,
            Size = size,
            SyncPolicy = policy,
            Faults = faults,
        };

    public static NeedleVolume Create(TempDirectory directory, SyncPolicy policy = SyncPolicy.GroupCommit, long size = 16L << 20, VolumeFaults? faults = null) =>
        NeedleVolume.Create(Options(directory.Path, policy, size, faults), Group, Id);

    public static NeedleVolume Open(TempDirectory directory, SyncPolicy policy = SyncPolicy.GroupCommit, VolumeFaults? faults = null) =>
        NeedleVolume.Open(Options(directory.Path, policy, faults: faults), Id);

    public static string DataPath(TempDirectory directory) => directory.Combine($"{Id}.dat");

    public static string IndexPath(TempDirectory directory) => directory.Combine($"{Id}.idx");

    public static Cookie CookieFor(ulong id) => Payload.CookieFor(new NeedleId(id));

    /// <summary>The needle's bytes: a deterministic function of its id, at most <paramref name="maxLength"/> long.</summary>
    public static byte[] Data(ulong id, int maxLength = 4096) => Payload.Create(new NeedleId(id), maxLength);

    public static ValueTask AppendAsync(this NeedleVolume volume, ulong id, int maxLength = 4096) =>
        volume.AppendAsync(new NeedleId(id), CookieFor(id), Data(id, maxLength), TestContext.Current.CancellationToken);

    /// <summary>The needle's bytes, or null if it is not found.</summary>
    public static byte[]? Read(this NeedleVolume volume, ulong id) => volume.Read(id, CookieFor(id));

    public static byte[]? Read(this NeedleVolume volume, ulong id, Cookie cookie)
    {
        if (!volume.TryGetLength(new NeedleId(id), cookie, out var length))
        {
            return null;
        }

        var buffer = new byte[length];
        return volume.TryRead(new NeedleId(id), cookie, buffer, out var read) ? buffer[..read] : null;
    }
}
