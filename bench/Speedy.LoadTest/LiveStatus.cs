using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Speedy.LoadTest;

/// <summary>
/// A status line while a step runs, redrawn four times a second: elapsed time, requests, MB/s and failures of each
/// of the step's recorders. Only on an interactive terminal; redirected output gets the summary lines alone.
/// </summary>
internal static class LiveStatus
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromMilliseconds(250);

    public static async Task ShowAsync(string title, IReadOnlyList<StepRecorder> recorders, Task work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            await work;
            return;
        }

        await AnsiConsole.Status().StartAsync(Describe(title, recorders), async context =>
        {
            while (await Task.WhenAny(work, Task.Delay(s_refresh)) != work)
            {
                context.Status = Describe(title, recorders);
            }
        });
        await work;
    }

    private static string Describe(string title, IReadOnlyList<StepRecorder> recorders)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[bold]{Markup.Escape(title)}[/]");
        foreach (var recorder in recorders)
        {
            var seconds = Math.Max(recorder.Elapsed.TotalSeconds, 1e-3);
            var name = recorders.Count > 1 ? $"{recorder.Name}: " : "";
            text.Append(CultureInfo.InvariantCulture, $"  {Markup.Escape(name)}{seconds:0.0} s, {recorder.Requests} requests, {recorder.Bytes / 1e6 / seconds:0.0} MB/s");
            if (recorder.Failures > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", [red]{recorder.Failures} failed[/]");
            }
        }

        return text.ToString();
    }
}
