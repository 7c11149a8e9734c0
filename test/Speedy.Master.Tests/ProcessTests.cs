using System.Diagnostics;
using System.Net.Http.Json;
using Speedy.Master.Tests.Harness;
using Speedy.Testing;

namespace Speedy.Master.Tests;

/// <summary>Real processes: <c>speedy master</c> and two <c>speedy chunkserver --master</c> of one group.</summary>
public sealed class ProcessTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private static void WriteTestOutput(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);

    [Fact]
    public async Task TwoChunkServers_AppearHealthyInTheMastersTopology_AndKillingOneMakesTheGroupReadOnly()
    {
        await using var master = await SpeedyProcess.StartRoleAsync("master", ["--index", "4", "--heartbeat-timeout", "2s"], new Dictionary<string, string>(), WriteTestOutput, Token);
        var chunkEnvironment = new Dictionary<string, string> { ["SPEEDY_HEARTBEATINTERVAL"] = "00:00:00.5" };
        string[] Chunk(string name) => ["--dir", _directory.Combine(name), "--group", "6", "--volume-size", "1048576", "--master", master.Address.ToString()];
        await using var one = await SpeedyProcess.StartRoleAsync("chunkserver", Chunk("one"), chunkEnvironment, WriteTestOutput, Token);
        await using var two = await SpeedyProcess.StartRoleAsync("chunkserver", Chunk("two"), chunkEnvironment, WriteTestOutput, Token);
        using var http = new HttpClient { BaseAddress = master.Address };

        var writable = await WaitForAsync(http, t => t.Find(6) is { Writable: true, Members.Count: 2 } group && group.Members.All(m => m.Healthy));
        one.Kill();
        var readOnly = await WaitForAsync(http, t => t.Find(6) is { Writable: false } group && group.Members.Any(m => !m.Healthy));

        Assert.Equal(4, writable.Master.Index);
        Assert.Equal(2, writable.HeartbeatTimeoutSeconds);
        var members = writable.Find(6)!.Members.Select(m => m.Url).Order().ToList();
        Assert.Equal(new[] { one.Address, two.Address }.Select(a => a.ToString().TrimEnd('/')).Order(), members);
        Assert.NotEmpty(writable.Find(6)!.Volumes);
        var group = readOnly.Find(6)!;
        Assert.False(group.Members.Single(m => m.Url == one.Address.ToString().TrimEnd('/')).Healthy);
        Assert.True(group.Members.Single(m => m.Url == two.Address.ToString().TrimEnd('/')).Healthy);
        Assert.Contains("has not reported", group.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--index", "64")]
    [InlineData("--heartbeat-timeout", "soon")]
    [InlineData("--listen", "master.internal")]
    public async Task Master_WithABadSetting_ExitsWith2_AndSaysWhy(string flag, string value)
    {
        var (exitCode, output) = await SpeedyProcess.RunToExitAsync(["master", flag, value], WriteTestOutput, Token);

        Assert.Equal(2, exitCode);
        Assert.Contains("speedy master:", output, StringComparison.Ordinal);
    }

    private static async Task<Topology> WaitForAsync(HttpClient http, Func<Topology, bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        Topology? last = null;
        while (stopwatch.Elapsed < s_wait)
        {
            last = await http.GetFromJsonAsync("v1/topology", MasterJsonContext.Default.Topology, Token);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100, Token);
        }

        Assert.Fail($"the topology did not reach the expected state within {s_wait.TotalSeconds} s; last: {System.Text.Json.JsonSerializer.Serialize(last, MasterJsonContext.Default.Topology!)}");
        return last!;
    }
}
