using System.Globalization;
using Speedy.Volume;
using Speedy.Volume.CrashWriter;

// The child process of the crash test: appends (and deletes, and compacts) with many concurrent writers and prints
// one line per acknowledged operation ("a <id>" appended, "d <id>" deleted, "c" compacted) until it is killed.
// Usage: --dir D --volume N --first-id N [--writers 64] [--max-length 16384] [--delete-every 0]
//        [--compact-every-ms 0] [--policy GroupCommit|None] [--size 268435456] [--seconds 60]
//        [--stream-over 0]: needles longer than this are streamed in 16 KiB pieces rather than passed whole
//        [--stall-after-acks 0]: once this many appends are acknowledged, the next streamed needle stops after its
//        first piece and "s <id>" is printed, so the parent can kill the process with that record half written
var settings = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    settings[args[i].TrimStart('-')] = args[i + 1];
}

string Get(string name, string fallback) => settings.TryGetValue(name, out var value) ? value : fallback;
long Number(string name, long fallback) => long.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var options = new VolumeOptions
{
    Directory = Get("dir", ""),
    Size = Number("size", 256L << 20),
    SyncPolicy = Enum.Parse<SyncPolicy>(Get("policy", nameof(SyncPolicy.GroupCommit))),
};
var volumeId = new VolumeId((uint)Number("volume", 1));
var writers = (int)Number("writers", 64);
var firstId = (ulong)Number("first-id", 1);
var maxLength = (int)Number("max-length", 16 * 1024);
var deleteEvery = (ulong)Number("delete-every", 0);
var compactEvery = (int)Number("compact-every-ms", 0);
var streamOver = (int)Number("stream-over", 0);
var stallAfter = Number("stall-after-acks", 0);
var acknowledged = 0L;
var stalled = 0;
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(Number("seconds", 60)));

var output = Console.Out;
await using var volume = File.Exists(Path.Combine(options.Directory, $"{volumeId}.dat"))
    ? NeedleVolume.Open(options, volumeId)
    : NeedleVolume.Create(options, new GroupId(1), volumeId);
output.WriteLine("ready");

async Task WriteAsync(int writer, CancellationToken cancellationToken)
{
    var buffer = new byte[maxLength];
    for (ulong k = 0; !cancellationToken.IsCancellationRequested; k++)
    {
        var id = new NeedleId(firstId + (k * (ulong)writers) + (ulong)writer);
        var data = buffer.AsMemory(0, Payload.LengthFor(id, maxLength));
        Payload.Fill(id, data.Span);
        if (streamOver > 0 && data.Length > streamOver)
        {
            Func<Task>? stall = null;
            // Only a needle of more than two pieces has a second read to stall in with a piece still to come.
            if (stallAfter > 0 && data.Length > 2 * TricklingStream.Piece && Interlocked.Read(ref acknowledged) >= stallAfter
                && Interlocked.Exchange(ref stalled, 1) == 0)
            {
                var stalledId = id;
                stall = () =>
                {
                    output.WriteLine($"s {stalledId.Value}");
                    return Task.Delay(Timeout.Infinite, cancellationToken);
                };
            }

            await volume.AppendAsync(id, Payload.CookieFor(id), data.Length, new TricklingStream(data, stall), cancellationToken);
        }
        else
        {
            await volume.AppendAsync(id, Payload.CookieFor(id), data, cancellationToken);
        }

        output.WriteLine($"a {id.Value}");
        Interlocked.Increment(ref acknowledged);
        if (deleteEvery > 0 && id.Value % deleteEvery == 0 && await volume.DeleteAsync(id, Payload.CookieFor(id), cancellationToken))
        {
            output.WriteLine($"d {id.Value}");
        }
    }
}

async Task CompactAsync(CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        await Task.Delay(compactEvery, cancellationToken);
        await volume.CompactAsync(cancellationToken);
        output.WriteLine("c");
    }
}

var tasks = new List<Task>();
for (var w = 0; w < writers; w++)
{
    var writer = w;
    tasks.Add(Task.Run(() => WriteAsync(writer, deadline.Token)));
}

if (compactEvery > 0)
{
    tasks.Add(Task.Run(() => CompactAsync(deadline.Token)));
}

try
{
    await Task.WhenAll(tasks);
}
catch (OperationCanceledException)
{
    // The deadline: the parent test died without killing this process.
}
