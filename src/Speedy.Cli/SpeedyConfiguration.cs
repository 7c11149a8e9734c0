using Microsoft.Extensions.Configuration;

namespace Speedy.Cli;

/// <summary>
/// Every role's settings, lowest to highest precedence: defaults, the <c>--config</c> JSON file, <c>SPEEDY_</c>
/// environment variables (<c>__</c> for a section) and the flags the user gave.
/// </summary>
internal static class SpeedyConfiguration
{
    public static IConfiguration Build(FileInfo? file, Dictionary<string, string?> flags)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new FileNotFoundException($"configuration file {file.FullName} does not exist");
            }

            builder.AddJsonFile(file.FullName, optional: false);
        }

        builder.AddEnvironmentVariables("SPEEDY_");
        builder.AddInMemoryCollection(flags);
        return builder.Build();
    }
}
