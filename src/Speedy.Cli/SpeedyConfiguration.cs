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

    /// <summary>Sets the configuration key <paramref name="key"/> to a flag's value when the flag was given.</summary>
    public static void Add(Dictionary<string, string?> flags, string key, string? value)
    {
        if (value is not null)
        {
            flags[key] = value;
        }
    }

    /// <summary>Sets <c>key:0</c>, <c>key:1</c>, … to a repeated flag's values when it was given.</summary>
    public static void AddList(Dictionary<string, string?> flags, string key, string[]? values)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            flags[$"{key}:{i}"] = values[i];
        }
    }
}
