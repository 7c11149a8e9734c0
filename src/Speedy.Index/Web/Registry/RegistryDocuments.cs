using System.Globalization;
using System.Text.Json;

namespace Speedy.Index.Web.Registry;

/// <summary>
/// Reads the registry's JSON the UI shows: tag lists and image configs. Lenient where the specs are: a field of the
/// wrong type is left out rather than failing the page.
/// </summary>
internal static class RegistryDocuments
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 32 };

    /// <summary>The <c>tags</c> of a tag list response.</summary>
    /// <exception cref="RegistryUnavailableException">It is not a tag list.</exception>
    public static IReadOnlyList<string> ParseTags(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, s_options);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Array)
            {
                return document.RootElement.ValueKind == JsonValueKind.Object ? [] : throw NotATagList();
            }

            return Strings(tags);
        }
        catch (JsonException e)
        {
            throw new RegistryUnavailableException("the registry's tag list is not valid JSON", e);
        }
    }

    /// <summary>The config, or null when it is not a JSON object.</summary>
    public static ImageConfig? ParseConfig(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, s_options);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var config = root.TryGetProperty("config", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : default;
            return new ImageConfig
            {
                Os = String(root, "os"),
                Architecture = String(root, "architecture"),
                Variant = String(root, "variant"),
                Created = Time(root, "created"),
                Author = String(root, "author"),
                User = String(config, "User"),
                WorkingDirectory = String(config, "WorkingDir"),
                Entrypoint = Array(config, "Entrypoint"),
                Command = Array(config, "Cmd"),
                Environment = Array(config, "Env"),
                ExposedPorts = Keys(config, "ExposedPorts"),
                Labels = Labels(config),
                History = History(root),
            };
        }
    }

    private static List<ImageHistoryEntry> History(JsonElement root)
    {
        var history = new List<ImageHistoryEntry>();
        if (!root.TryGetProperty("history", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return history;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object)
            {
                history.Add(new ImageHistoryEntry(
                    Time(entry, "created"),
                    String(entry, "created_by") ?? string.Empty,
                    String(entry, "comment") ?? string.Empty,
                    entry.TryGetProperty("empty_layer", out var empty) && empty.ValueKind == JsonValueKind.True));
            }
        }

        return history;
    }

    private static List<KeyValuePair<string, string>> Labels(JsonElement config)
    {
        var labels = new List<KeyValuePair<string, string>>();
        if (config.ValueKind == JsonValueKind.Object && config.TryGetProperty("Labels", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in map.EnumerateObject())
            {
                if (label.Value.ValueKind == JsonValueKind.String)
                {
                    labels.Add(new KeyValuePair<string, string>(label.Name, label.Value.GetString()!)); // A string element has a string.
                }
            }
        }

        labels.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }

    private static List<string> Keys(JsonElement element, string name)
    {
        var keys = new List<string>();
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in map.EnumerateObject())
            {
                keys.Add(property.Name);
            }
        }

        return keys;
    }

    private static List<string> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? Strings(array)
            : [];

    private static List<string> Strings(JsonElement array)
    {
        var values = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                values.Add(item.GetString()!); // A string element has a string.
            }
        }

        return values;
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        String(element, name) is { } text &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static RegistryUnavailableException NotATagList() => new("the registry's tag list is not a JSON object");
}
