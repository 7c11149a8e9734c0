using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Master;
using Speedy.Testing;
using Speedy.Volume;
using Cookie = Speedy.Volume.Cookie;

namespace Speedy.ChunkServer.Tests;

/// <summary>
/// A group of three (real processes and a real master) loses a member with its disk; a new, empty member started with
/// <c>--replace</c> copies the group's volumes from a healthy peer, verifies them, takes no reads until then, and the
/// group is writable again, with every needle byte-identical on the new member.
/// </summary>
[Collection(GroupCluster.Collection)]
public sealed class ReplacementTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EmptyReplacement_CopiesAndVerifiesTheGroupsVolumes_TakesNoReadsUntilVerified_ThenTheGroupIsWritableAgain()
    {
        await using var cluster = await GroupCluster.StartAsync(3, Token);
        var needles = await PopulateAsync(cluster);
        var dead = await KillWithItsDiskAsync(cluster, 2);

        var verified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = ReplacementOptions(cluster, dead);
        options.BeforeSyncEnds = async cancellationToken =>
        {
            verified.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
        };
        await using var replacement = await TestChunkServer.StartAsync(options, Token, kestrel: true);
        var self = options.EffectivePublicUrl;
        var (someNeedle, _) = needles.Live.First();

        // From its start until its copy is verified and it is done, it refuses reads and writes.
        Assert.Equal("syncing", (await ChunkApi.HealthAsync(replacement.Client, Token)).State);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ChunkApi.StatusOfGetAsync(replacement.Client, someNeedle.ToString(), Token));
        await verified.Task.WaitAsync(TimeSpan.FromSeconds(60), Token);

        Assert.Equal(Shape(await ChunkApi.VolumesAsync(cluster.ClientFor(cluster.UrlOf(0)), Token)), Shape(await ChunkApi.VolumesAsync(replacement.Client, Token)));
        foreach (var (fileId, _) in needles.Live)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ChunkApi.StatusOfGetAsync(replacement.Client, fileId.ToString(), Token));
        }

        using (var content = new ByteArrayContent(Payload.Create(1, 100)))
        using (var post = await replacement.Client.PostAsync("/needles", content, Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            Assert.Contains("syncing", await ChunkApi.ErrorAsync(post, Token), StringComparison.Ordinal);
        }

        var syncing = await cluster.WaitForGroupAsync(g => g.Members.Any(m => m.Url == self && m.Healthy && m.Syncing), Token);
        Assert.False(syncing.Writable);
        Assert.Contains(dead, syncing.Members.Select(m => m.Url));

        release.SetResult();
        var ready = await cluster.WaitForGroupAsync(g => g.Writable && g.Members.Count == 3 && g.Members.All(m => m.Healthy && !m.Syncing), Token);

        Assert.Equal(new[] { cluster.UrlOf(0), cluster.UrlOf(1), self }.Order(StringComparer.Ordinal), ready.Members.Select(m => m.Url));
        var health = await ChunkApi.HealthAsync(replacement.Client, Token);
        Assert.Equal("ready", health.State);
        foreach (var (fileId, data) in needles.Live)
        {
            Assert.Equal(data, await ChunkApi.GetAsync(replacement.Client, fileId, Token));
        }

        foreach (var fileId in needles.Deleted)
        {
            Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(replacement.Client, fileId.ToString(), Token));
        }

        Assert.Equal(Shape(await ChunkApi.VolumesAsync(cluster.ClientFor(cluster.UrlOf(0)), Token)), Shape(await ChunkApi.VolumesAsync(replacement.Client, Token)));

        // Needle ids never repeat: the replacement's own ids start above everything it copied and the peer handed out.
        var peer = await ChunkApi.HealthAsync(cluster.ClientFor(cluster.UrlOf(0)), Token);
        Assert.True(health.NeedleIdHighWaterMark >= peer.NeedleIdHighWaterMark, $"replacement {health.NeedleIdHighWaterMark}, peer {peer.NeedleIdHighWaterMark}");
        var own = await ChunkApi.PostFileIdAsync(replacement.Client, Payload.Create(2, 100), Token);
        Assert.True(own.Needle.Value >= peer.NeedleIdHighWaterMark, $"new needle {own.Needle}, peer high-water mark {peer.NeedleIdHighWaterMark:x}");
        Assert.DoesNotContain(needles.Live.Keys.Concat(needles.Deleted), f => f.Needle == own.Needle);

        // And the group takes writes again, on every member, the replacement first in the chain.
        var fresh = new FileId(new GroupId(GroupCluster.Group), new VolumeId(ready.Volumes[0]), new NeedleId(0x9999), new Cookie(0x0c0ffee0));
        var freshData = Payload.Create(3, 77_777);
        await cluster.PutChainAsync([self, cluster.UrlOf(0), cluster.UrlOf(1)], fresh, freshData, Token);
        Assert.Equal(freshData, await ChunkApi.GetAsync(cluster.ClientFor(cluster.UrlOf(1)), fresh, Token));
        Assert.Equal(freshData, await ChunkApi.GetAsync(replacement.Client, fresh, Token));
    }

    [Fact]
    public async Task ReplacementProcess_CopiesANeedleRottenOnItsSource_FromAnotherMember()
    {
        await using var cluster = await GroupCluster.StartAsync(3, Token);
        var needles = new List<(FileId FileId, byte[] Data)>();
        var offsets = new List<long>();
        var offset = (long)RecordLayout.SuperblockSize;
        for (var i = 0; i < 8; i++)
        {
            var fileId = new FileId(new GroupId(GroupCluster.Group), new VolumeId(1), new NeedleId(0x6000 + (ulong)i), new Cookie(0xabc00000 + (uint)i));
            var data = Payload.Create((ulong)(60 + i), 10_000 + (i * 3001));
            await cluster.PutAsync(fileId, data, Token);
            needles.Add((fileId, data));
            offsets.Add(offset);
            offset += RecordLayout.RecordSize(data.Length);
        }

        // Rotten on one member or the other, never both: whichever the replacement copies from, one needle is bad there.
        cluster.FlipByte(0, new VolumeId(1), offsets[2] + RecordLayout.HeaderSize + 500);
        cluster.FlipByte(1, new VolumeId(1), offsets[5] + RecordLayout.HeaderSize + 500);
        var dead = await KillWithItsDiskAsync(cluster, 2);

        await using var replacement = await cluster.StartMemberAsync(_directory.Combine("replacement"), ["--replace", dead], Token);
        var self = replacement.Address.ToString().TrimEnd('/');
        var ready = await cluster.WaitForGroupAsync(g => g.Writable && g.Members.Count == 3 && g.Members.Any(m => m.Url == self) && g.Members.All(m => m.Healthy && !m.Syncing), Token);

        Assert.DoesNotContain(dead, ready.Members.Select(m => m.Url));
        foreach (var (fileId, data) in needles)
        {
            Assert.Equal(data, await ChunkApi.GetAsync(cluster.ClientFor(self), fileId, Token));
        }

        Assert.Contains("the copy of group 5 is verified (", replacement.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replacement_StoppedBeforeItIsDone_IsStillSyncingWhenItStartsAgain_AndThenFinishes()
    {
        await using var cluster = await GroupCluster.StartAsync(3, Token);
        var needles = await PopulateAsync(cluster);
        var dead = await KillWithItsDiskAsync(cluster, 2);
        var verified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = ReplacementOptions(cluster, dead);
        options.BeforeSyncEnds = async cancellationToken =>
        {
            verified.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        await using (await TestChunkServer.StartAsync(options, Token, kestrel: true))
        {
            await verified.Task.WaitAsync(TimeSpan.FromSeconds(60), Token);
        }

        Assert.True(File.Exists(Path.Combine(options.Directories[0], VolumeSet.SyncMarker)));
        var verifiedAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        options.BeforeSyncEnds = async cancellationToken =>
        {
            verifiedAgain.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
        };
        await using var restarted = await TestChunkServer.StartAsync(options, Token, kestrel: true);
        await verifiedAgain.Task.WaitAsync(TimeSpan.FromSeconds(60), Token);
        Assert.Equal("syncing", (await ChunkApi.HealthAsync(restarted.Client, Token)).State);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ChunkApi.StatusOfGetAsync(restarted.Client, needles.Live.First().Key.ToString(), Token));

        release.SetResult();
        await cluster.WaitForGroupAsync(g => g.Writable && g.Members.Count == 3 && g.Members.All(m => m.Healthy && !m.Syncing) && g.Members.All(m => m.Url != dead), Token);
        Assert.False(File.Exists(Path.Combine(options.Directories[0], VolumeSet.SyncMarker)));
        foreach (var (fileId, data) in needles.Live)
        {
            Assert.Equal(data, await ChunkApi.GetAsync(restarted.Client, fileId, Token));
        }
    }

    /// <summary>
    /// Needles in three volumes, of many sizes (one empty): one overwritten, three deleted, volume 2 sealed everywhere,
    /// volume 3 compacted on member 0 only (so the members' data files differ while their needles do not).
    /// </summary>
    private static async Task<(Dictionary<FileId, byte[]> Live, List<FileId> Deleted)> PopulateAsync(GroupCluster cluster)
    {
        var live = new Dictionary<FileId, byte[]>();
        var ids = new List<FileId>();
        for (var i = 0; i < 30; i++)
        {
            var fileId = new FileId(new GroupId(GroupCluster.Group), new VolumeId(1 + ((uint)i % 3)), new NeedleId(0x7000 + ((ulong)i * 0x101)), new Cookie(0x51ed0000 + (uint)i));
            var data = Payload.Create((ulong)i, i == 7 ? 0 : (i * 6007) % 150_000);
            await cluster.PutAsync(fileId, data, Token);
            live[fileId] = data;
            ids.Add(fileId);
        }

        var overwritten = Payload.Create(1000, 12_345);
        await cluster.PutAsync(ids[5], overwritten, Token);
        live[ids[5]] = overwritten;
        var deleted = new List<FileId> { ids[3], ids[10], ids[17] };
        foreach (var fileId in deleted)
        {
            await cluster.DeleteAsync(fileId, Token);
            live.Remove(fileId);
        }

        for (var member = 0; member < 3; member++)
        {
            using var seal = await cluster.Http.PostAsync($"{cluster.UrlOf(member)}/volumes/2/seal", null, Token);
            await ChunkApi.ExpectAsync(seal, HttpStatusCode.OK, Token);
        }

        using (var compact = await cluster.Http.PostAsync($"{cluster.UrlOf(0)}/volumes/3/compact", null, Token))
        {
            await ChunkApi.ExpectAsync(compact, HttpStatusCode.OK, Token);
        }

        return (live, deleted);
    }

    /// <summary>SIGKILLs a member and deletes its directory, and waits until the master reports it dead; its URL.</summary>
    private static async Task<string> KillWithItsDiskAsync(GroupCluster cluster, int member)
    {
        var url = cluster.UrlOf(member);
        await cluster.KillAsync(member);
        Directory.Delete(cluster.DirectoryOf(member), recursive: true);
        var group = await cluster.WaitForGroupAsync(g => g.Members.Any(m => m.Url == url && !m.Healthy), Token);
        Assert.False(group.Writable);
        return url;
    }

    private ChunkServerOptions ReplacementOptions(GroupCluster cluster, string replaces)
    {
        var options = TestChunkServer.OptionsFor(_directory.Combine("replacement"));
        options.Group = GroupCluster.Group;
        options.VolumeSize = GroupCluster.VolumeSize;
        options.Listen = $"127.0.0.1:{FreePort.Next()}";
        options.Masters = [cluster.MasterUrl];
        options.Replaces = replaces;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        return options;
    }

    /// <summary>What must match between members: each volume's id, needle count, size and whether it is sealed.</summary>
    private static List<(uint Id, int Needles, long MaxSize, bool Sealed)> Shape(List<VolumeStatus> volumes) =>
        [.. volumes.Select(v => (v.Id, v.Needles, v.MaxSize, v.Sealed)).Order()];
}
