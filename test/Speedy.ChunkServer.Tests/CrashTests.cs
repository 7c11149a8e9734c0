using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>
/// A real <c>speedy chunkserver</c> process under 32 concurrent writers is killed with SIGKILL, three times over the
/// same directory. After each restart every acknowledged needle reads back byte-identical, every write that was in
/// flight at the kill is either absent or whole, and every data file ends exactly at its last whole record.
/// </summary>
public sealed class CrashTests
{
    private const int Writers = 32;
    private const int MaxLength = 256 * 1024;
    private const int Rounds = 3;
    private static readonly TimeSpan s_load = TimeSpan.FromSeconds(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill_WhileThirtyTwoWritersAppend_LosesNoAcknowledgedNeedleAndShowsNoHalfOne()
    {
        using var directory = new TempDirectory();
        string[] arguments = ["--dir", directory.Path, "--group", "1", "--volume-size", (32L << 20).ToString(CultureInfo.InvariantCulture)];
        var history = new History();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            await using var server = await ChunkServerProcess.StartAsync(arguments, Token);
            Log($"{stopwatch.Elapsed}: started");
            await VerifyAsync(server, directory.Path, history);
            Log($"{stopwatch.Elapsed}: verified");
            await LoadAndKillAsync(server, round, history);
            Log($"{stopwatch.Elapsed}: killed");
        }

        await using var restarted = await ChunkServerProcess.StartAsync(arguments, Token);
        Log($"{stopwatch.Elapsed}: started");
        await VerifyAsync(restarted, directory.Path, history);
        Log($"{stopwatch.Elapsed}: verified");
    }

    /// <summary>
    /// Runs the writers for <see cref="s_load"/>, then kills the server under them. Three writers in four POST (the
    /// server picks the file id, so one in flight at the kill cannot be looked up); every fourth PUTs under file ids it
    /// picks, so the writes in flight at the kill can be checked too.
    /// </summary>
    /// <remarks>
    /// The PUT writers' needle ids lie just below a mark the server is first told about (a PUT of the mark itself), so
    /// the server's own ids, which it hands out above every id it has seen, never meet them: the split a master's
    /// id leases make. Without it a PUT could reuse an id the server had handed out to a POST in the same volume and
    /// replace that needle — a standalone server cannot prevent that.
    /// </remarks>
    private static async Task LoadAndKillAsync(SpeedyProcess server, int round, History history)
    {
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var mark = new FileId(new GroupId(1), new VolumeId(900 + (uint)round), new NeedleId(Mark(round)), new Speedy.Volume.Cookie(0x4d41524b));
        await ChunkApi.PutAsync(client, mark, Payload.Create(Mark(round), 100), Token);
        history.Acknowledged[mark] = new Written(Mark(round), 100);
        var kill = new Kill();
        var writers = new Task<int>[Writers];
        for (var w = 0; w < Writers; w++)
        {
            var writer = w;
            writers[w] = Task.Run(() => WriteAsync(client, round, writer, history, kill), Token);
        }

        await Task.Delay(s_load, Token);
        kill.Killed = true;
        server.Kill();
        history.Kills++;
        var counts = await Task.WhenAll(writers);
        await server.WaitForExitAsync(Token);

        var acknowledged = counts.Sum();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"round {round}: {acknowledged} writes acknowledged before the kill, {history.InDoubt.Count} PUTs in doubt so far, {history.Acknowledged.Count} acknowledged in all");
        Assert.True(acknowledged > 200, $"round {round}: only {acknowledged} writes were acknowledged in {s_load}");
    }

    /// <returns>How many of this writer's writes were acknowledged.</returns>
    private static async Task<int> WriteAsync(HttpClient client, int round, int writer, History history, Kill kill)
    {
        var random = new Random((round * Writers) + writer);
        var puts = writer % 4 == 3;
        var volume = 1000u + ((uint)writer * 100);
        var acknowledged = 0;
        for (var i = 0u; ; i++)
        {
            var seed = ((ulong)round << 48) | ((ulong)writer << 32) | i;
            var length = random.Next(1, MaxLength + 1);
            var fileId = new FileId(new GroupId(1), new VolumeId(volume), new NeedleId(Mark(round) - 1 - (((ulong)writer << 24) | i)), new Speedy.Volume.Cookie((uint)seed ^ 0x5eed5eed));
            using var content = new ByteArrayContent(Payload.Create(seed, length));
            HttpResponseMessage response;
            try
            {
                response = puts ? await client.PutAsync($"/needles/{fileId}", content, Token) : await client.PostAsync("/needles", content, Token);
            }
            catch (HttpRequestException) when (kill.Killed)
            {
                if (puts)
                {
                    history.InDoubt[fileId] = new Written(seed, length);
                }

                return acknowledged;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.InsufficientStorage && puts)
                {
                    // This writer's volume is full: go on in the next one, as an image server would.
                    volume++;
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.Created && kill.Killed)
                {
                    return acknowledged;
                }

                await ChunkApi.ExpectAsync(response, HttpStatusCode.Created, Token);
                NeedleWritten? written;
                try
                {
                    written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, Token);
                }
                catch (HttpRequestException) when (kill.Killed)
                {
                    if (puts)
                    {
                        history.InDoubt[fileId] = new Written(seed, length);
                    }

                    return acknowledged;
                }

                Assert.NotNull(written);
                Assert.Equal(length, written.Size);
                var stored = FileId.Parse(written.Fid);
                Assert.True(!puts || stored == fileId, $"PUT {fileId} answered {stored}");
                Assert.True(history.Acknowledged.TryAdd(stored, new Written(seed, length)), $"file id {stored} was handed out twice");
                acknowledged++;
            }
        }
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>The needle id below which round <paramref name="round"/>'s PUT writers pick theirs.</summary>
    private static ulong Mark(int round) => (ulong)(round + 1) << 48;

    private static async Task VerifyAsync(SpeedyProcess server, string directory, History history)
    {
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var options = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token };
        await Parallel.ForEachAsync(history.Acknowledged, options, async (needle, cancellationToken) =>
        {
            using var response = await client.GetAsync($"/needles/{needle.Key}", cancellationToken);
            await ChunkApi.ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
            var data = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Assert.True(data.AsSpan().SequenceEqual(Payload.Create(needle.Value.Seed, needle.Value.Length)), $"acknowledged needle {needle.Key} reads back different bytes ({data.Length} of {needle.Value.Length})");
        });

        var whole = 0;
        await Parallel.ForEachAsync(history.InDoubt, options, async (needle, cancellationToken) =>
        {
            using var response = await client.GetAsync($"/needles/{needle.Key}", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            await ChunkApi.ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
            var data = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Assert.True(data.AsSpan().SequenceEqual(Payload.Create(needle.Value.Seed, needle.Value.Length)), $"needle {needle.Key}, in flight at the kill, is partial: {data.Length} of {needle.Value.Length} bytes, or different ones");
            Interlocked.Increment(ref whole);
        });

        // No half record: each data file ends where its last whole record does, and besides the acknowledged needles
        // the volumes hold at most one per write in flight at each kill.
        var needles = 0;
        foreach (var volume in await ChunkApi.VolumesAsync(client, Token))
        {
            var file = new FileInfo(Path.Combine(directory, $"{volume.Id}.dat"));
            Assert.True(volume.Size == file.Length, $"volume {volume.Id} holds {volume.Size} bytes of records, but its file is {file.Length} bytes long");
            needles += volume.Needles;
        }

        Assert.InRange(needles, history.Acknowledged.Count, history.Acknowledged.Count + (history.Kills * Writers));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"verified {history.Acknowledged.Count} acknowledged needles; of {history.InDoubt.Count} PUTs in flight at a kill, {whole} are whole and the rest absent");
    }

    private readonly record struct Written(ulong Seed, int Length);

    private sealed class Kill
    {
        private volatile bool _killed;

        public bool Killed
        {
            get => _killed;
            set => _killed = value;
        }
    }

    private sealed class History
    {
        public ConcurrentDictionary<FileId, Written> Acknowledged { get; } = new();

        public ConcurrentDictionary<FileId, Written> InDoubt { get; } = new();

        public int Kills { get; set; }
    }
}
