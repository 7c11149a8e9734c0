using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.ChunkServer;

namespace Speedy.Master.Tests.Harness;

/// <summary>
/// A master in this process, built by <see cref="MasterHost.Build"/> exactly as <c>speedy master</c> builds it, on a
/// clock the test moves, on ASP.NET Core's test server or (for tests that need a socket to go away) on Kestrel.
/// </summary>
public sealed class TestMaster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private TestMaster(WebApplication app, MasterOptions options, ManualTimeProvider clock, HttpClient client, Uri url)
    {
        _app = app;
        Options = options;
        Clock = clock;
        Client = client;
        Url = url;
    }

    public MasterOptions Options { get; }

    public ManualTimeProvider Clock { get; }

    public HttpClient Client { get; }

    public Uri Url { get; }

    public static MasterOptions OptionsFor(int index = 0) => new()
    {
        Listen = "127.0.0.1:0",
        Index = index,
        HeartbeatTimeout = TimeSpan.FromSeconds(10),
        ForgetAfter = TimeSpan.FromMinutes(5),
        MinFreeBytes = 1L << 30,
    };

    public static async Task<TestMaster> StartAsync(MasterOptions options, ManualTimeProvider clock, CancellationToken cancellationToken, bool kestrel = false)
    {
        var app = MasterHost.Build(options, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<TimeProvider>(clock);
            if (!kestrel)
            {
                builder.WebHost.UseTestServer();
            }
        });
        await app.StartAsync(cancellationToken);
        if (!kestrel)
        {
            var client = app.GetTestClient();
            return new TestMaster(app, options, clock, client, client.BaseAddress!);
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        Assert.NotNull(addresses);
        var url = new Uri(Assert.Single(addresses.Addresses));
        return new TestMaster(app, options, clock, new HttpClient { BaseAddress = url }, url);
    }

    /// <summary>A master past its warm-up: its clock has moved one heartbeat timeout beyond its start.</summary>
    public static async Task<TestMaster> StartWarmAsync(MasterOptions options, CancellationToken cancellationToken)
    {
        var clock = new ManualTimeProvider();
        var master = await StartAsync(options, clock, cancellationToken);
        clock.Advance(options.HeartbeatTimeout + TimeSpan.FromSeconds(1));
        return master;
    }

    public async Task<HttpResponseMessage> HeartbeatAsync(Heartbeat heartbeat, CancellationToken cancellationToken) =>
        await Client.PostAsJsonAsync("/v1/heartbeat", heartbeat, ChunkJsonContext.Default.Heartbeat, cancellationToken);

    /// <summary>Sends a heartbeat the master must take, and returns its answer: the members of the sender's group.</summary>
    public async Task<HeartbeatAnswer> SendAsync(Heartbeat heartbeat, CancellationToken cancellationToken)
    {
        using var response = await HeartbeatAsync(heartbeat, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.HeartbeatAnswer, cancellationToken);
        Assert.NotNull(answer);
        return answer;
    }

    /// <summary><c>DELETE /v1/groups/{group}/members?url=</c>.</summary>
    public async Task<HttpResponseMessage> RemoveMemberAsync(uint group, string url, CancellationToken cancellationToken) =>
        await Client.DeleteAsync($"/v1/groups/{group}/members?url={Uri.EscapeDataString(url)}", cancellationToken);

    public async Task<Topology> TopologyAsync(CancellationToken cancellationToken)
    {
        var topology = await Client.GetFromJsonAsync("/v1/topology", MasterJsonContext.Default.Topology, cancellationToken);
        Assert.NotNull(topology);
        return topology;
    }

    public async Task<HttpResponseMessage> LeaseAsync(int count, CancellationToken cancellationToken) =>
        await Client.PostAsync($"/v1/leases/needle-ids?count={count}", content: null, cancellationToken);

    public async Task<NeedleIdRange> LeaseRangeAsync(int count, CancellationToken cancellationToken)
    {
        using var response = await LeaseAsync(count, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.NeedleIdRange, cancellationToken);
    }

    /// <summary>Stops the master; a Kestrel one then refuses connections.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
