using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Speedy.Cli;

/// <summary>Starts a role's web application, says where it listens, and runs it until it is stopped.</summary>
internal static class HostRunner
{
    /// <returns>0 after a clean stop; 2 when the address cannot be bound (a one-line message, no stack trace).</returns>
    public static async Task<int> RunAsync(WebApplication app, string role, string listen, string description, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"speedy {role}: cannot listen on {listen}: {ex.Message}");
            return 2;
        }

        Console.WriteLine($"speedy {role}: listening on {listen}, {description}");
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
