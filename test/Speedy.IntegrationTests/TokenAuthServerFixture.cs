using System.Text.RegularExpressions;
using Speedy.IntegrationTests.AllInOne;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// One <c>speedy server</c> with token authentication on (its default), shared by the tests of a class: the bootstrap
/// administrator's one-time password is printed only on the first start, so the server is started once and the
/// password read from its output. The server's output goes to the output of the test running at the time.
/// </summary>
public sealed partial class TokenAuthServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_bootstrapWait = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = TempDirectory.Create("token-auth-server");
    private AllInOneServer? _server;
    private ITestOutputHelper? _output;

    public AllInOneServer Server => _server ?? throw new InvalidOperationException("the server starts in InitializeAsync");

    /// <summary>The password of <c>admin</c>, from the line "speedy index: created admin user; one-time password: PW; change it".</summary>
    public string AdminPassword { get; private set; } = string.Empty;

    /// <summary>The index's signing keys (<c>es256-*.pem</c>) under the server's data directory.</summary>
    public string KeysDirectory => _directory.Combine("data", "index", "keys");

    /// <summary>Sends the server's output to <paramref name="output"/> (the current test's) from now on.</summary>
    public void Attach(ITestOutputHelper output) => _output = output;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        _server = await AllInOneServer.StartWithTokenAuthAsync(_directory.CreateSubdirectory("data"), [], Log, cancellationToken);
        var started = DateTime.UtcNow;
        while (!BootstrapLine().IsMatch(_server.Output))
        {
            Assert.True(DateTime.UtcNow - started < s_bootstrapWait, $"the first start printed no one-time password:{Environment.NewLine}{_server.Output}");
            await Task.Delay(50, cancellationToken);
        }

        AdminPassword = BootstrapLine().Match(_server.Output).Groups["password"].Value;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }

    private void Log(string line)
    {
        try
        {
            _output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // Between tests there is no test to write to.
        }
    }

    [GeneratedRegex("speedy index: created admin user; one-time password: (?<password>\\S+); change it")]
    private static partial Regex BootstrapLine();
}
