using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Speedy.LoadTest;

/// <summary>The run's output: a line per step as it ends, the final table, and the JSON and Markdown files.</summary>
internal static class Report
{
    private static readonly string[] s_columns = ["workload", "step", "clients", "MB/s", "req/s", "ops/s", "p50 ms", "p99 ms", "failures"];

    public static string Name(Workload workload) => workload.ToString().ToLowerInvariant();

    public static void PrintSetup(Workload workload, string what, TimeSpan elapsed) =>
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[grey]{0}: {1} ({2:0.00} s)[/]", Name(workload), Markup.Escape(what), elapsed.TotalSeconds);

    public static void PrintStep(StepResult step)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{step.Workload}: {step.Step} × {step.Clients}: {step.MegabytesPerSecond:0.0} MB/s, ");
        line.Append(CultureInfo.InvariantCulture, $"{Rate(step.RequestsPerSecond)} req/s, {Rate(step.OperationsPerSecond)} {step.Operation}/s, ");
        line.Append(CultureInfo.InvariantCulture, $"p50 {Milliseconds(step.P50Ms)} ms, p99 {Milliseconds(step.P99Ms)} ms, max {Milliseconds(step.MaxMs)} ms, ");
        line.Append(CultureInfo.InvariantCulture, $"{step.Operations} done in {step.Seconds:0.00} s, {step.Failures} failed");
        AnsiConsole.MarkupLine(step.Failures > 0 ? $"[red]{Markup.Escape(line.ToString())}[/]" : Markup.Escape(line.ToString()));
        foreach (var error in step.Errors)
        {
            AnsiConsole.MarkupLine($"  [red]{Markup.Escape(error)}[/]");
        }
    }

    public static void PrintTable(LoadTestReport report)
    {
        var table = new Table().Border(TableBorder.Rounded);
        for (var i = 0; i < s_columns.Length; i++)
        {
            var column = new TableColumn(s_columns[i]);
            table.AddColumn(i < 2 ? column : column.RightAligned());
        }

        foreach (var step in report.Steps)
        {
            var cells = Cells(step);
            table.AddRow(cells.Select(cell => step.Failures > 0 ? $"[red]{Markup.Escape(cell)}[/]" : Markup.Escape(cell)).ToArray());
        }

        var title = report.Label is null ? report.Registry : $"{report.Label} ({report.Registry})";
        table.Title($"speedy-loadtest: {Markup.Escape(title)}");
        AnsiConsole.Write(table);
    }

    public static async Task WriteJsonAsync(string path, LoadTestReport report, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, ReportJsonContext.Default.LoadTestReport, cancellationToken);
    }

    public static async Task WriteMarkdownAsync(string path, LoadTestReport report, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# speedy-loadtest{(report.Label is null ? "" : ": " + report.Label)}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Registry {report.Registry}, started {report.Started:yyyy-MM-dd HH:mm:ss} UTC");
        text.Append(report.Quick ? ", quick profile" : "").Append(report.Interrupted ? ", interrupted" : "").Append(".\n\n");
        text.Append("| ").AppendJoin(" | ", s_columns).Append(" |\n");
        text.Append("|---|---|").Append(string.Concat(Enumerable.Repeat("---:|", s_columns.Length - 2))).Append('\n');
        foreach (var step in report.Steps)
        {
            text.Append("| ").AppendJoin(" | ", Cells(step).Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
        }

        foreach (var step in report.Steps)
        {
            foreach (var error in step.Errors)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n- {step.Workload} / {step.Step}: `{error.Replace("`", "'", StringComparison.Ordinal)}`");
            }
        }

        await File.WriteAllTextAsync(path, text.Append('\n').ToString(), cancellationToken);
    }

    private static string[] Cells(StepResult step) =>
    [
        step.Workload,
        step.Step,
        step.Clients.ToString(CultureInfo.InvariantCulture),
        step.MegabytesPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
        Rate(step.RequestsPerSecond),
        Rate(step.OperationsPerSecond),
        Milliseconds(step.P50Ms),
        Milliseconds(step.P99Ms),
        step.Failures.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>Three figures or so: 2480, 72.5, 1.98.</summary>
    private static string Rate(double perSecond) =>
        perSecond.ToString(perSecond >= 100 ? "0" : perSecond >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    private static string Milliseconds(double? milliseconds) =>
        milliseconds is { } value ? value.ToString(value < 10 ? "0.00" : "0", CultureInfo.InvariantCulture) : "-";
}
