using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// Where `speedy registry` takes its settings from: a JSON file given with --config (keys Listen, Data, Storage),
/// SPEEDY_* environment variables, and command-line flags, which override both. Each process runs in an empty
/// working directory, so falling back to the default `./data` would show up there.
/// </summary>
public sealed class ConfigurationTests(ITestOutputHelper output)
{
    private const string Repository = "config/app";

    [Fact]
    public async Task ConfigFile_SetsListenDataAndStorage()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("config-file");
        var port = FreePort.Next();
        var data = temp.Combine("configured-data");
        var configFile = WriteConfig(temp, port, data, "filesystem");
        var startInfo = new SpeedyStartInfo
        {
            Arguments = ["registry", "--config", configFile],
            Port = port,
            WorkingDirectory = temp.CreateSubdirectory("work"),
        };

        var (digest, blob) = await PushRandomBlobAsync(startInfo, cancellationToken);

        Assert.True(HasFiles(data), $"Nothing was written under the configured Data directory {data}.");
        Assert.False(Directory.Exists(Path.Combine(startInfo.WorkingDirectory, "data")), "The default ./data was used despite the config file.");
        await ExpectBlobAfterRestartAsync(startInfo, digest, blob, cancellationToken);
    }

    [Fact]
    public async Task EnvironmentVariables_SetListenDataAndStorage()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("config-env");
        var port = FreePort.Next();
        var data = temp.Combine("environment-data");
        var startInfo = new SpeedyStartInfo
        {
            Arguments = ["registry"],
            Port = port,
            WorkingDirectory = temp.CreateSubdirectory("work"),
            Environment = new Dictionary<string, string>
            {
                ["SPEEDY_LISTEN"] = $"127.0.0.1:{port}",
                ["SPEEDY_DATA"] = data,
                ["SPEEDY_STORAGE"] = "filesystem",
            },
        };

        var (digest, blob) = await PushRandomBlobAsync(startInfo, cancellationToken);

        Assert.True(HasFiles(data), $"Nothing was written under SPEEDY_DATA={data}.");
        Assert.False(Directory.Exists(Path.Combine(startInfo.WorkingDirectory, "data")), "The default ./data was used despite SPEEDY_DATA.");
        await ExpectBlobAfterRestartAsync(startInfo, digest, blob, cancellationToken);
    }

    [Fact]
    public async Task EnvironmentVariables_OverrideTheConfigFile()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("config-env-over-file");
        var (filePort, environmentPort) = (FreePort.Next(), FreePort.Next());
        var (fileData, environmentData) = (temp.Combine("file-data"), temp.Combine("environment-data"));
        var startInfo = new SpeedyStartInfo
        {
            Arguments = ["registry", "--config", WriteConfig(temp, filePort, fileData, "memory")],
            Port = environmentPort,
            WorkingDirectory = temp.CreateSubdirectory("work"),
            Environment = new Dictionary<string, string>
            {
                ["SPEEDY_LISTEN"] = $"127.0.0.1:{environmentPort}",
                ["SPEEDY_DATA"] = environmentData,
                ["SPEEDY_STORAGE"] = "filesystem",
            },
        };

        await using (var registry = await RegistryProcess.StartAsync(startInfo, output, cancellationToken))
        {
            await PushRandomBlobAsync(registry, cancellationToken);
            Assert.False(await IsListeningAsync(filePort, cancellationToken), $"Also listening on the config file's port {filePort}.");
        }

        Assert.True(HasFiles(environmentData), $"Nothing was written under SPEEDY_DATA={environmentData}.");
        Assert.False(HasFiles(fileData), "Files were written under the config file's Data.");
    }

    [Fact]
    public async Task ConfigFileStorageMemory_KeepsBlobsNeitherOnDiskNorAcrossRestarts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("config-memory");
        var port = FreePort.Next();
        var data = temp.Combine("unused-data");
        var startInfo = new SpeedyStartInfo
        {
            Arguments = ["registry", "--config", WriteConfig(temp, port, data, "memory")],
            Port = port,
            WorkingDirectory = temp.CreateSubdirectory("work"),
        };

        var (digest, blob) = await PushRandomBlobAsync(startInfo, cancellationToken);

        Assert.Null(FindFileHolding(temp.Path, blob));
        await using var restarted = await RegistryProcess.StartAsync(startInfo, output, cancellationToken);
        using var client = restarted.CreateClient();
        using var response = await client.GetAsync($"v2/{Repository}/blobs/{digest}", cancellationToken);
        await RegistryApi.ExpectStatusAsync(response, HttpStatusCode.NotFound, cancellationToken);
    }

    [Fact]
    public async Task CommandLineFlags_OverrideTheConfigFileAndTheEnvironment()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("config-flags");
        var (filePort, environmentPort, flagPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var (fileData, environmentData, flagData) = (temp.Combine("file-data"), temp.Combine("environment-data"), temp.Combine("flag-data"));
        var startInfo = new SpeedyStartInfo
        {
            Arguments =
            [
                "registry", "--config", WriteConfig(temp, filePort, fileData, "memory"),
                "--listen", $"127.0.0.1:{flagPort}", "--data", flagData, "--storage", "filesystem",
            ],
            Port = flagPort,
            WorkingDirectory = temp.CreateSubdirectory("work"),
            Environment = new Dictionary<string, string>
            {
                ["SPEEDY_LISTEN"] = $"127.0.0.1:{environmentPort}",
                ["SPEEDY_DATA"] = environmentData,
                ["SPEEDY_STORAGE"] = "memory",
            },
        };

        await using (var registry = await RegistryProcess.StartAsync(startInfo, output, cancellationToken))
        {
            await PushRandomBlobAsync(registry, cancellationToken);
            Assert.False(await IsListeningAsync(filePort, cancellationToken), $"Also listening on the config file's port {filePort}.");
            Assert.False(await IsListeningAsync(environmentPort, cancellationToken), $"Also listening on SPEEDY_LISTEN's port {environmentPort}.");
        }

        Assert.True(HasFiles(flagData), $"Nothing was written under --data {flagData}.");
        Assert.False(HasFiles(fileData), "Files were written under the config file's Data.");
        Assert.False(HasFiles(environmentData), "Files were written under SPEEDY_DATA.");
    }

    private static string WriteConfig(TempDirectory temp, int port, string data, string storage)
    {
        var path = temp.Combine("speedy.json");
        File.WriteAllText(path, new JsonObject
        {
            ["Listen"] = $"127.0.0.1:{port}",
            ["Data"] = data,
            ["Storage"] = storage,
        }.ToJsonString());
        return path;
    }

    private async Task<(string Digest, byte[] Blob)> PushRandomBlobAsync(SpeedyStartInfo startInfo, CancellationToken cancellationToken)
    {
        await using var registry = await RegistryProcess.StartAsync(startInfo, output, cancellationToken);
        return await PushRandomBlobAsync(registry, cancellationToken);
    }

    private static async Task<(string Digest, byte[] Blob)> PushRandomBlobAsync(RegistryProcess registry, CancellationToken cancellationToken)
    {
        using var client = registry.CreateClient();
        var blob = RandomNumberGenerator.GetBytes(100_000);
        var digest = await RegistryApi.PushBlobAsync(client, Repository, blob, cancellationToken);
        Assert.Equal(blob, await RegistryApi.GetBlobAsync(client, Repository, digest, cancellationToken));
        return (digest, blob);
    }

    /// <summary>A new process with the same settings still serves the blob: it lives where the settings said.</summary>
    private async Task ExpectBlobAfterRestartAsync(SpeedyStartInfo startInfo, string digest, byte[] blob, CancellationToken cancellationToken)
    {
        await using var restarted = await RegistryProcess.StartAsync(startInfo, output, cancellationToken);
        using var client = restarted.CreateClient();
        Assert.Equal(blob, await RegistryApi.GetBlobAsync(client, Repository, digest, cancellationToken));
    }

    /// <summary>The first file under <paramref name="directory"/> whose content is exactly <paramref name="blob"/>.</summary>
    private static string? FindFileHolding(string directory, byte[] blob)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(file).Length == blob.Length && File.ReadAllBytes(file).AsSpan().SequenceEqual(blob))
            {
                return file;
            }
        }

        return null;
    }

    private static bool HasFiles(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Any();

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
