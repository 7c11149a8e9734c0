using System.Diagnostics;
using System.Globalization;
using Speedy.Testing;
using Speedy.Volume.CrashWriter;

namespace Speedy.Volume.Tests;

/// <summary>
/// A real child process (<c>Speedy.Volume.CrashWriter</c>) appends with many concurrent writers and prints each
/// acknowledgement; the test SIGKILLs it mid-stream, reopens the volume, and checks that every acknowledged needle
/// reads back byte for byte, every acknowledged delete holds, and no half record is left in the file.
/// </summary>
public class CrashTests
{
    /// <summary>Needles up to 192 KiB: those over 64 KiB are written as three writes, so a kill can tear one.</summary>
    private const int MaxLength = 192 * 1024;
    /// <summary>A writer is killed after this long even if what the test waits for has not happened (it then fails).</summary>
    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(20);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill_WhileSixtyFourWritersAppend_LosesNoAcknowledgedNeedle()
    {
        using var directory = new TempDirectory();
        var history = new History();
        for (var round = 0; round < 4; round++)
        {
            // Odd rounds stream the large needles in pieces, so they are in flight for longer. A 1 GiB volume: the kill
            // lands after 2,000 acknowledgements, but a quick machine acknowledges thousands more first, and four rounds
            // of needles up to 192 KiB once filled the writer's default 256 MiB (VolumeFullException, not a crash).
            string[] extra = round % 2 == 1 ? ["--stream-over", "8192", "--size", "1073741824"] : ["--size", "1073741824"];
            var run = await RunAndKillAsync(directory, (round * 10_000_000) + 1, r => r.Appended.Count >= 2000, extra);
            history.Add(run);
            Assert.True(run.Appended.Count >= 2000, $"round {round}: only {run.Appended.Count} acknowledged before the kill");
            await VerifyAsync(directory, history);
        }
    }

    [Fact]
    public async Task Kill_WhileWritersAppendDeleteAndCompact_LosesNothingAcknowledged()
    {
        using var directory = new TempDirectory();
        var history = new History { DeleteEvery = 3 };
        for (var round = 0; round < 3; round++)
        {
            var run = await RunAndKillAsync(
                directory,
                (round * 10_000_000) + 1,
                r => r.Appended.Count >= 1500 && r.Compactions >= 2,
                ["--delete-every", "3", "--compact-every-ms", "1", "--writers", "16"]);
            history.Add(run);
            Assert.True(run.Compactions >= 2, $"round {round}: {run.Compactions} compactions before the kill");
            await VerifyAsync(directory, history);
        }

        Assert.NotEmpty(history.Deleted);
    }

    [Fact]
    public async Task Kill_WithANeedleHalfWritten_CutsItAndKeepsEveryAcknowledgedNeedle()
    {
        using var directory = new TempDirectory();
        var history = new History();
        var run = await RunAndKillAsync(directory, 1, r => r.Stalled is not null, ["--stream-over", "8192", "--stall-after-acks", "500"]);
        history.Add(run);

        Assert.True(run.Stalled is not null, "the writer never stalled a needle");
        var volume = await OpenAndVerifyAsync(directory, history);
        await using (volume)
        {
            var stalled = new NeedleId(run.Stalled.Value);
            Assert.True(volume.Recovery.TruncatedAt >= 0, $"nothing was cut: {volume.Recovery}");
            Assert.False(volume.TryGetLength(stalled, Payload.CookieFor(stalled), out _));
        }
    }

    private static async Task VerifyAsync(TempDirectory directory, History history)
    {
        await using var volume = await OpenAndVerifyAsync(directory, history);
    }

    /// <summary>Reopens the volume and checks it against everything the writers were told; returns it open.</summary>
    private static async Task<NeedleVolume> OpenAndVerifyAsync(TempDirectory directory, History history)
    {
        var volume = NeedleVolume.Open(new VolumeOptions { Directory = directory.Path }, TestVolumes.Id);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{history.Appended.Count} appends and {history.Deleted.Count} deletes acknowledged so far; reopening: {volume.Recovery}");
        var buffer = new byte[MaxLength];
        foreach (var id in history.Appended)
        {
            var needle = new NeedleId(id);
            if (history.Deleted.Contains(id))
            {
                Assert.False(volume.TryGetLength(needle, Payload.CookieFor(needle), out _), $"needle {id} was deleted");
                continue;
            }

            var found = volume.TryRead(needle, Payload.CookieFor(needle), buffer, out var read);
            if (!found && history.MayBeDeleted(id))
            {
                // Its delete was under way at the kill: it may have been acknowledged without being reported.
                continue;
            }

            Assert.True(found, $"needle {id} was acknowledged but is missing");
            var expected = Payload.Create(needle, MaxLength);
            Assert.True(buffer.AsSpan(0, read).SequenceEqual(expected), $"needle {id} reads back different bytes");
        }

        // No half record: the file ends where the last whole record does, and every record in it checks out.
        Assert.Equal(volume.Tail, new FileInfo(TestVolumes.DataPath(directory)).Length);
        var scrub = await volume.ScrubAsync(cancellationToken: Token);
        Assert.True(scrub.IsClean, string.Join("; ", scrub.Findings));
        Assert.Equal(volume.Tail - Format.Superblock.Size, scrub.BytesScanned);
        return volume;
    }

    private static async Task<Run> RunAndKillAsync(TempDirectory directory, long firstId, Func<Run, bool> killWhen, string[] extra)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Speedy.Volume.CrashWriter.exe" : "Speedy.Volume.CrashWriter"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["--dir", directory.Path, "--volume", TestVolumes.Id.ToString(), "--first-id", firstId.ToString(CultureInfo.InvariantCulture), "--max-length", MaxLength.ToString(CultureInfo.InvariantCulture), "--seconds", "60", .. extra])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!; // Process.Start with a ProcessStartInfo returns null only for shell reuse
        var errors = process.StandardError.ReadToEndAsync(Token);
        var run = new Run();
        var stopwatch = Stopwatch.StartNew();
        var killed = false;
        while (await process.StandardOutput.ReadLineAsync(Token) is { } line)
        {
            run.Read(line);
            if (!killed && (killWhen(run) || stopwatch.Elapsed > s_runLimit))
            {
                // SIGKILL on Unix: no handler runs, nothing is flushed or checkpointed.
                process.Kill();
                killed = true;
            }
        }

        await process.WaitForExitAsync(Token);
        Assert.True(killed, $"the writer exited by itself ({process.ExitCode}): {await errors}");
        Assert.True(run.Ready, await errors);
        return run;
    }

    private sealed class Run
    {
        public bool Ready { get; private set; }

        public List<ulong> Appended { get; } = [];

        public List<ulong> Deleted { get; } = [];

        public int Compactions { get; private set; }

        /// <summary>The needle the writer stopped in the middle of, with <c>--stall-after-acks</c>.</summary>
        public ulong? Stalled { get; private set; }

        public void Read(string line)
        {
            if (line == "ready")
            {
                Ready = true;
            }
            else if (line == "c")
            {
                Compactions++;
            }
            else if (line.StartsWith("a ", StringComparison.Ordinal))
            {
                Appended.Add(ulong.Parse(line.AsSpan(2), CultureInfo.InvariantCulture));
            }
            else if (line.StartsWith("s ", StringComparison.Ordinal))
            {
                Stalled = ulong.Parse(line.AsSpan(2), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("d ", StringComparison.Ordinal))
            {
                Deleted.Add(ulong.Parse(line.AsSpan(2), CultureInfo.InvariantCulture));
            }
        }
    }

    private sealed class History
    {
        /// <summary>The writer deletes each needle whose id is a multiple of this, right after appending it.</summary>
        public ulong DeleteEvery { get; init; }

        public HashSet<ulong> Appended { get; } = [];

        public HashSet<ulong> Deleted { get; } = [];

        public bool MayBeDeleted(ulong id) => DeleteEvery > 0 && id % DeleteEvery == 0;

        public void Add(Run run)
        {
            Appended.UnionWith(run.Appended);
            Deleted.UnionWith(run.Deleted);
        }
    }
}
