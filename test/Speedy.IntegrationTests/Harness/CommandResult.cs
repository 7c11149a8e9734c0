namespace Speedy.IntegrationTests.Harness;

/// <summary>The outcome of one external command: its exit code and everything it printed.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with the command line and its whole output unless the command exited 0.</summary>
    public CommandResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{CommandLine}` exited with {ExitCode}.{Environment.NewLine}{Describe()}");
        }

        return this;
    }

    public string Describe() =>
        $"--- stdout ---{Environment.NewLine}{StandardOutput}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StandardError}";
}
