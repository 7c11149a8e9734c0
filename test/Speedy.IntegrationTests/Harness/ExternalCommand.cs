using System.Diagnostics;
using System.Text;

namespace Speedy.IntegrationTests.Harness;

/// <summary>Runs a real program (skopeo, podman, umoci, docker, openssl) to completion with a time limit.</summary>
public static class ExternalCommand
{
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        CommandOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new CommandOptions();
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (options.WorkingDirectory is not null)
        {
            startInfo.WorkingDirectory = options.WorkingDirectory;
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var commandLine = FormatCommandLine(fileName, startInfo.ArgumentList);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Cannot start `{commandLine}`: {e.Message}. Is {fileName} installed? .ci/run installs it.", e);
        }

        var stdoutTask = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (options.StandardInput is not null)
            {
                await process.StandardInput.WriteAsync(options.StandardInput.AsMemory(), cancellationToken);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command exited without reading its input; its exit code and output say why.
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var partial = new CommandResult(commandLine, -1, await stdoutTask, await stderrTask);
            options.Output?.WriteLine($"$ {commandLine}{Environment.NewLine}(killed after {options.Timeout}){Environment.NewLine}{partial.Describe()}");
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"`{commandLine}` did not finish within {options.Timeout} and was killed.{Environment.NewLine}{partial.Describe()}");
        }

        var result = new CommandResult(commandLine, process.ExitCode, await stdoutTask, await stderrTask);
        options.Output?.WriteLine($"$ {commandLine}{Environment.NewLine}(exit {result.ExitCode}){Environment.NewLine}{result.Describe()}");
        return result;
    }

    private static string FormatCommandLine(string fileName, IEnumerable<string> arguments)
    {
        var builder = new StringBuilder(fileName);
        foreach (var argument in arguments)
        {
            builder.Append(' ');
            if (argument.Length == 0 || argument.Contains(' ', StringComparison.Ordinal))
            {
                builder.Append('\'').Append(argument).Append('\'');
            }
            else
            {
                builder.Append(argument);
            }
        }

        return builder.ToString();
    }
}
