using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Speedy.Master;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>
/// A real <c>speedy master</c> (members are dead 2 s after their last heartbeat) and one group of real
/// <c>speedy chunkserver</c> processes heartbeating to it every 200 ms, with 8 MiB volumes. Needles go to every member
/// with one chained <c>PUT</c>, as the image server writes them.
/// </summary>
public sealed class GroupCluster : IAsyncDisposable
{
    /// <summary>The test collection of the classes that start clusters: one at a time, for each is five processes.</summary>
    public const string Collection = "group clusters";

    public const uint Group = 5;

    public const long VolumeSize = 8L << 20;

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();
    private readonly List<SpeedyProcess?> _members = [];
    private readonly List<string> _urls = [];
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    private GroupCluster(SpeedyProcess master, IReadOnlyDictionary<string, string> environment)
    {
        MasterProcess = master;
        _environment = environment;
    }

    public SpeedyProcess MasterProcess { get; }

    public string MasterUrl => MasterProcess.Address.ToString().TrimEnd('/');

    public HttpClient Http { get; } = new();

    /// <summary>
    /// Starts the master and <paramref name="members"/> chunk servers (with <paramref name="environment"/> besides the
    /// heartbeat interval), and waits until the master reports the group writable with all of them.
    /// </summary>
    public static async Task<GroupCluster> StartAsync(int members, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var master = await SpeedyProcess.StartRoleAsync("master", ["--heartbeat-timeout", "2s"], new Dictionary<string, string>(), WriteTestOutput, cancellationToken);
        var chunkEnvironment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["SPEEDY_HEARTBEATINTERVAL"] = "00:00:00.2" };
        var cluster = new GroupCluster(master, chunkEnvironment);
        try
        {
            for (var i = 0; i < members; i++)
            {
                var member = await cluster.StartMemberAsync(cluster.DirectoryOf(i), [], cancellationToken);
                cluster._members.Add(member);
                cluster._urls.Add(member.Address.ToString().TrimEnd('/'));
            }

            await cluster.WaitForGroupAsync(g => g.Writable && g.Members.Count == members, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>speedy chunkserver</c> of the group on <paramref name="directory"/>, with <paramref name="arguments"/> besides.</summary>
    public Task<SpeedyProcess> StartMemberAsync(string directory, string[] arguments, CancellationToken cancellationToken) =>
        SpeedyProcess.StartRoleAsync(
            "chunkserver",
            ["--dir", directory, "--group", Group.ToString(System.Globalization.CultureInfo.InvariantCulture), "--volume-size", VolumeSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--master", MasterUrl, .. arguments],
            _environment,
            WriteTestOutput,
            cancellationToken);

    public string DirectoryOf(int member) => _directory.Combine($"member{member}");

    public string UrlOf(int member) => _urls[member];

    /// <summary>A client whose base address is <paramref name="url"/> (a member's), for <see cref="ChunkApi"/>.</summary>
    public HttpClient ClientFor(string url)
    {
        if (!_clients.TryGetValue(url, out var client))
        {
            _clients[url] = client = new HttpClient { BaseAddress = new Uri(url) };
        }

        return client;
    }

    public SpeedyProcess Member(int member) => _members[member] ?? throw new InvalidOperationException($"member {member} was killed");

    /// <summary>SIGKILL: the member is gone without a word.</summary>
    public async Task KillAsync(int member)
    {
        await Member(member).KillAsync();
        await Member(member).DisposeAsync();
        _members[member] = null;
    }

    /// <summary>Stores a needle on every live member, with one PUT down the chain, as the image server does.</summary>
    public async Task PutAsync(FileId fileId, byte[] data, CancellationToken cancellationToken)
    {
        var live = new List<string>();
        for (var i = 0; i < _members.Count; i++)
        {
            if (_members[i] is not null)
            {
                live.Add(_urls[i]);
            }
        }

        await PutChainAsync(live, fileId, data, cancellationToken);
    }

    /// <summary>One PUT to <c>chain[0]</c>, replicated down the rest of the chain.</summary>
    public async Task PutChainAsync(IReadOnlyList<string> chain, FileId fileId, byte[] data, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{chain[0]}/needles/{fileId}");
        request.Headers.TryAddWithoutValidation(NeedleEndpoints.ReplicateToHeader, string.Join(',', chain.Skip(1)));
        request.Content = new ByteArrayContent(data);
        using var response = await Http.SendAsync(request, cancellationToken);
        await ChunkApi.ExpectAsync(response, HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Deletes a needle on every live member.</summary>
    public async Task DeleteAsync(FileId fileId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _members.Count; i++)
        {
            if (_members[i] is not null)
            {
                using var response = await Http.DeleteAsync($"{_urls[i]}/needles/{fileId}", cancellationToken);
                await ChunkApi.ExpectAsync(response, HttpStatusCode.NoContent, cancellationToken);
            }
        }
    }

    public async Task<Topology> TopologyAsync(CancellationToken cancellationToken)
    {
        var topology = await Http.GetFromJsonAsync($"{MasterUrl}/v1/topology", MasterJsonContext.Default.Topology, cancellationToken);
        Assert.NotNull(topology);
        return topology;
    }

    /// <summary>Polls the master until the group satisfies <paramref name="condition"/> (within 30 s: a wait for a state, not a measure of speed).</summary>
    public async Task<GroupTopology> WaitForGroupAsync(Func<GroupTopology, bool> condition, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        GroupTopology? last = null;
        while (stopwatch.Elapsed < s_wait)
        {
            last = (await TopologyAsync(cancellationToken)).Find(Group);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"group {Group} did not reach the expected state within {s_wait.TotalSeconds} s; last: {System.Text.Json.JsonSerializer.Serialize(last, MasterJsonContext.Default.GroupTopology!)}");
        return last!;
    }

    /// <summary>Polls a chunk server's <c>GET /health</c> until it satisfies <paramref name="condition"/> (within 30 s).</summary>
    public async Task<HealthStatus> WaitForHealthAsync(string url, Func<HealthStatus, bool> condition, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        HealthStatus? last = null;
        while (stopwatch.Elapsed < s_wait)
        {
            last = await Http.GetFromJsonAsync($"{url}/health", ChunkJsonContext.Default.HealthStatus, cancellationToken);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"{url} did not reach the expected health within {s_wait.TotalSeconds} s; last: {last}");
        return last!;
    }

    /// <summary>Rots one byte of a member's volume file behind its back.</summary>
    public void FlipByte(int member, VolumeId volume, long offset)
    {
        using var file = new FileStream(Path.Combine(DirectoryOf(member), $"{volume}.dat"), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x40));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            if (member is not null)
            {
                await member.DisposeAsync();
            }
        }

        await MasterProcess.DisposeAsync();
        Http.Dispose();
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _directory.Dispose();
    }

    private static void WriteTestOutput(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);
}
