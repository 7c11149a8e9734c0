using System.Net.Http.Headers;
using System.Text;
using Speedy.Index.Store;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>`speedy registry --events-url … --events-secret …` next to a separate `speedy index`, both as processes.</summary>
public sealed class EventForwardingTests(ITestOutputHelper output)
{
    private const string Secret = "events-secret-0123456789";
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    [Fact]
    public async Task RegistryProcess_ForwardsPushAndPulls_ToTheIndexProcess()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("events");
        var indexData = temp.CreateSubdirectory("index");
        await using var index = await SpeedyProcess.StartRoleAsync(
            "index", ["--data", indexData, "--events-secret", Secret, "--bcrypt-work-factor", "4"], environment: null, output.WriteLine, cancellationToken);
        var registryData = temp.CreateSubdirectory("registry");
        // The URL as a flag, the secret from the environment (SPEEDY_EVENTS__SECRET), as a deployment would keep it.
        await using var registry = await FreePort.StartOnFreePortAsync(
            port => RegistryProcess.StartAsync(
                new SpeedyStartInfo
                {
                    Arguments = ["registry", "--listen", $"127.0.0.1:{port}", "--data", registryData, "--events-url", index.Address.ToString()],
                    Port = port,
                    Environment = new Dictionary<string, string> { ["SPEEDY_EVENTS__SECRET"] = Secret },
                },
                output,
                cancellationToken),
            output.WriteLine);
        Assert.Contains($"events to {new Uri(index.Address, "events")}", registry.Output, StringComparison.Ordinal);

        using (var client = registry.CreateClient())
        {
            var config = Encoding.UTF8.GetBytes("{}");
            var configDigest = await RegistryApi.PushBlobAsync(client, "team/app", config, cancellationToken);
            var manifest = Encoding.UTF8.GetBytes(
                $$"""{"schemaVersion":2,"mediaType":"{{OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[]}""");
            await RegistryApi.PutManifestAsync(client, "team/app", "v1", OciManifest, manifest, cancellationToken);
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "v2/team/app/manifests/v1");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciManifest));
                using var response = await client.SendAsync(request, cancellationToken);
                Assert.True(response.IsSuccessStatusCode, $"pull {i}: {(int)response.StatusCode}");
            }
        }

        // Stopping sends what the registry still holds; stopping the index writes the pulls it counted.
        Assert.Equal(0, await registry.StopAsync(cancellationToken));
        index.Terminate();
        await index.WaitForExitAsync(cancellationToken);
        Assert.DoesNotContain("fail", registry.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("refused", registry.Output, StringComparison.OrdinalIgnoreCase);

        await using var store = await SqliteIndexStore.OpenAsync(Path.Combine(indexData, "index", "index.db"), TimeProvider.System, cancellationToken);
        var repository = await store.GetRepositoryAsync("team/app", cancellationToken);
        Assert.NotNull(repository);
        Assert.NotNull(repository.LastPush);
        Assert.Equal(3, repository.PullCount);
    }

    [Theory]
    [InlineData(new[] { "--events-url", "http://127.0.0.1:5001" }, "--events-url needs --events-secret")]
    [InlineData(new[] { "--events-secret", Secret }, "--events-secret needs --events-url")]
    [InlineData(new[] { "--events-url", "127.0.0.1:5001", "--events-secret", Secret }, "absolute http(s) URL")]
    public async Task Registry_WithAnIncompleteEventsSetting_RefusesToStart(string[] arguments, string message)
    {
        using var temp = TempDirectory.Create("events-refused");
        var (exitCode, text) = await SpeedyProcess.RunToExitAsync(
            ["registry", .. arguments, "--listen", "127.0.0.1:0", "--data", temp.Path], output.WriteLine, TestContext.Current.CancellationToken);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }
}
