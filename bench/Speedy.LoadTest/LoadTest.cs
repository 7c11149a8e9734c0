using Spectre.Console;

namespace Speedy.LoadTest;

/// <summary>One run: the registry check, the chosen workloads in order, then the table and the files.</summary>
internal static class LoadTest
{
    public static async Task<int> RunAsync(LoadTestSettings settings, string? jsonPath, string? markdownPath, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        using var run = new LoadTestRun(settings);
        AnsiConsole.MarkupLine($"speedy-loadtest against [bold]{Markup.Escape(settings.Registry.ToString())}[/]: {string.Join(", ", settings.Workloads.Select(Report.Name))}, "
            + $"{Units.FormatDuration(settings.Duration)} per timed step{(settings.Quick ? " (quick)" : "")}");
        var interrupted = false;
        try
        {
            // A registry that does not answer (or wants credentials) fails here once, not in every step.
            if (await run.SetupAsync(settings.Workloads[0], "GET /v2/", run.Client.CheckAsync, cancellationToken))
            {
                foreach (var workload in settings.Workloads)
                {
                    await RunAsync(workload, run, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
            AnsiConsole.MarkupLine("[yellow]interrupted: the results so far follow[/]");
        }

        var failures = run.Results.Sum(step => step.Failures);
        var report = new LoadTestReport(settings.Label, settings.Registry.ToString(), started, settings.Quick, interrupted, failures, run.Results);
        Report.PrintTable(report);
        if (jsonPath is not null)
        {
            await Report.WriteJsonAsync(jsonPath, report, CancellationToken.None);
        }

        if (markdownPath is not null)
        {
            await Report.WriteMarkdownAsync(markdownPath, report, CancellationToken.None);
        }

        return interrupted ? 130 : failures > 0 ? 1 : 0;
    }

    private static Task RunAsync(Workload workload, LoadTestRun run, CancellationToken cancellationToken) => workload switch
    {
        Workload.Pull => BlobPullWorkload.RunAsync(run, cancellationToken),
        Workload.Push => BlobPushWorkload.RunAsync(run, cancellationToken),
        Workload.Manifest => ManifestWorkload.RunAsync(run, cancellationToken),
        Workload.Image => ImagePullWorkload.RunAsync(run, cancellationToken),
        _ => MixedWorkload.RunAsync(run, cancellationToken),
    };
}
