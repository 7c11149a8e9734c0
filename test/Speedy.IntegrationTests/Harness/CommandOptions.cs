namespace Speedy.IntegrationTests.Harness;

/// <summary>How to run an external command: time limit, environment, working directory, where to log.</summary>
public sealed class CommandOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Variables to set (a null value removes the variable) on top of this process's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string? WorkingDirectory { get; init; }

    /// <summary>Written to the command's standard input, which is then closed (a password for <c>--password-stdin</c>); null writes nothing.</summary>
    public string? StandardInput { get; init; }

    /// <summary>Where the command line, exit code and output are logged; null logs nowhere.</summary>
    public ITestOutputHelper? Output { get; init; }
}
