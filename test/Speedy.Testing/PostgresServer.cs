using System.Diagnostics;
using Npgsql;

namespace Speedy.Testing;

/// <summary>
/// A private PostgreSQL server for the tests: a fresh cluster (initdb) in a temporary directory, started with pg_ctl
/// (<see cref="InitializeAsync"/>) on a free loopback port with trust authentication and no Unix socket, and stopped and
/// deleted on dispose.
/// initdb refuses to run as root, so as root the server's programs run as the <c>postgres</c> user (runuser) in a
/// directory owned by it. The binaries come from <c>$SPEEDY_TEST_PG_BIN</c> or the newest
/// <c>/usr/lib/postgresql/*/bin</c> (Debian's <c>postgresql</c> package); without them every test fails saying so.
/// This project does not reference xUnit, so the class is open: a test project makes it a fixture with
/// <c>sealed class PostgresFixture : PostgresServer, IAsyncLifetime;</c> (both methods are already here), or owns one
/// inside a fixture of its own.
/// </summary>
public class PostgresServer : IAsyncDisposable
{
    private const string BinEnvironmentVariable = "SPEEDY_TEST_PG_BIN";
    private const string ServerUser = "postgres";
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(90);

    private string? _binDirectory;
    private string? _root;
    private string? _data;
    private bool _running;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    private static bool RunsAsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Creates the cluster and starts the server; it is ready to accept connections when this returns.</summary>
    public async ValueTask InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        _root = Path.Combine(RunsAsRoot ? "/tmp" : Path.GetTempPath(), "speedy-pg-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(_root);
        if (RunsAsRoot)
        {
            await RunAsync("chown", [ServerUser + ":", _root], asServerUser: false);
        }

        _data = Path.Combine(_root, "data");
        await RunServerProgramAsync(
            "initdb",
            ["-D", _data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
        await File.AppendAllTextAsync(
            Path.Combine(_data, "postgresql.conf"),
            "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n");

        // A port found free can be taken before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            try
            {
                await RunServerProgramAsync(
                    "pg_ctl",
                    ["-D", _data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", $"-p {Port}", "start"]);
                _running = true;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Stops the server (fast shutdown) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_running && _data is not null)
            {
                _running = false;
                await RunServerProgramAsync("pg_ctl", ["-D", _data, "-m", "fast", "-w", "-t", "60", "stop"]);
            }
        }
        finally
        {
            if (_root is not null && Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }

            // The class is open (see the summary); a subclass with a finalizer would need this.
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Creates an empty database, with <paramref name="options"/> for CREATE DATABASE, and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? options, CancellationToken cancellationToken)
    {
        var name = "t_" + Guid.NewGuid().ToString("n");
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" {options}", cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing any connection left to it.</summary>
    public Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        return ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", cancellationToken);
    }

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
        }.ConnectionString;

    private async Task ExecuteAdminAsync(string sql, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string FindBinDirectory()
    {
        string[] programs = ["initdb", "pg_ctl", "postgres"];
        var configured = Environment.GetEnvironmentVariable(BinEnvironmentVariable);
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(configured))
        {
            candidates.Add(configured);
        }
        else if (Directory.Exists("/usr/lib/postgresql"))
        {
            var versions = Directory.GetDirectories("/usr/lib/postgresql");
            Array.Sort(versions, static (a, b) => CompareVersions(Path.GetFileName(b), Path.GetFileName(a)));
            foreach (var version in versions)
            {
                candidates.Add(Path.Combine(version, "bin"));
            }
        }

        foreach (var candidate in candidates)
        {
            if (Array.TrueForAll(programs, program => File.Exists(Path.Combine(candidate, program))))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "The PostgreSQL tests start their own server and need its binaries (initdb, pg_ctl, postgres), found in " +
            $"${BinEnvironmentVariable} or /usr/lib/postgresql/<version>/bin; none were found " +
            $"(searched: {(candidates.Count == 0 ? "nothing" : string.Join(", ", candidates))}). " +
            "Install them, e.g. `apt-get install --no-install-recommends postgresql` on Debian.");
    }

    private static int CompareVersions(string a, string b) =>
        int.TryParse(a, out var x) && int.TryParse(b, out var y) ? x.CompareTo(y) : string.CompareOrdinal(a, b);

    private Task RunServerProgramAsync(string program, string[] arguments) =>
        RunAsync(Path.Combine(_binDirectory!, program), arguments, asServerUser: RunsAsRoot); // Set first in InitializeAsync.

    private async Task RunAsync(string program, string[] arguments, bool asServerUser)
    {
        var start = new ProcessStartInfo(asServerUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        if (asServerUser)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(ServerUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var commandLine = string.Join(' ', start.FileName, string.Join(' ', start.ArgumentList));
        Process process;
        try
        {
            process = Process.Start(start)!; // Process.Start with a ProcessStartInfo returns null only for shell reuse.
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"could not start `{commandLine}`: {exception.Message}", exception);
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(s_commandTimeout);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"`{commandLine}` did not finish within {s_commandTimeout}");
            }

            if (process.ExitCode != 0)
            {
                var log = _root is null ? null : Path.Combine(_root, "server.log");
                var serverLog = log is not null && File.Exists(log) ? await File.ReadAllTextAsync(log, timeout.Token) : "";
                throw new InvalidOperationException(
                    $"`{commandLine}` exited with {process.ExitCode}:\n{await output}{await error}{serverLog}");
            }
        }
    }
}
