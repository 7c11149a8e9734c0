using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Speedy.Master;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ImageServer.Tests;

public class MasterTopologySourceTests
{
    private static Topology MasterTopology(bool warmingUp, bool writable) => new(
        new MasterIdentity(0, "m", DateTimeOffset.UnixEpoch),
        Generation: 7,
        WarmingUp: warmingUp,
        HeartbeatTimeoutSeconds: 10,
        Groups:
        [
            new GroupTopology(
                3,
                writable,
                [
                    new MemberTopology("http://a:1", true, 0.5, 1000, 2, 40, []),
                    new MemberTopology("http://b:1", false, 30, 500, 0, 41, []),
                    new MemberTopology("http://c:1", true, 0.1, 800, 0, 1, []) { Syncing = true },
                ],
                [4, 6],
                9),
        ]);

    [Fact]
    public void Convert_CarriesGroupsMembersVolumesHealthAndSyncing()
    {
        var store = MasterTopologySource.Convert(MasterTopology(warmingUp: false, writable: true));

        var group = Assert.Single(store.Groups);
        Assert.Equal(new GroupId(3), group.Id);
        Assert.True(group.Writable);
        Assert.Equal([new VolumeId(4), new VolumeId(6)], group.WritableVolumes);
        Assert.Equal(new VolumeId(9), group.HighestVolume);
        Assert.Equal(
            [new TopologyMember("http://a:1", true, 1000, 2), new TopologyMember("http://b:1", false, 500, 0), new TopologyMember("http://c:1", true, 800, 0) { Syncing = true }],
            group.Members);
        Assert.Equal(500, group.FreeBytes);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Convert_WhileTheMasterWarmsUpOrTheGroupIsReadOnly_TakesNoWrites(bool warmingUp, bool writable)
    {
        var store = MasterTopologySource.Convert(MasterTopology(warmingUp, writable));

        Assert.False(Assert.Single(store.Groups).Writable);
    }

    [Fact]
    public async Task Upload_WhenNoMasterAnswersAndNothingIsCached_Answers503()
    {
        using var http = new HttpClient();
        using var client = new MasterClient(http, [FreePort.DeadUrl()]);
        await using var app = ImageServerHost.Build(
            new ImageServerOptions(),
            new MasterTopologySource(client),
            builder => builder.WebHost.UseTestServer());
        await app.StartAsync(TestContext.Current.CancellationToken);

        using var response = await app.GetTestClient().PutAsync(
            "/v1/fragments",
            new ByteArrayContent(new byte[16]),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("no master is reachable", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
