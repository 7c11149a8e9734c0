using Speedy.IntegrationTests.Harness;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>One finished <c>skopeo copy</c>: what it printed, and how many times it said it was retrying.</summary>
public sealed record SkopeoCopy(string Source, string Destination, CommandResult Result)
{
    /// <summary>
    /// skopeo's own retries (<c>--retry-times</c>): it prints "Failed, retrying in …" before each; other retries (of
    /// the registry's driver, say) are invisible from here.
    /// </summary>
    public int Retries => Count(Result.StandardError) + Count(Result.StandardOutput);

    private static int Count(string text)
    {
        var count = 0;
        for (var at = text.IndexOf("retrying", StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf("retrying", at + 1, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }

        return count;
    }
}
