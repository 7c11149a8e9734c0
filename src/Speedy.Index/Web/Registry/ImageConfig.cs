namespace Speedy.Index.Web.Registry;

/// <summary>The parts of an OCI image config (or Docker's) the tag page shows.</summary>
public sealed record ImageConfig
{
    public string? Os { get; init; }

    public string? Architecture { get; init; }

    public string? Variant { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? Author { get; init; }

    public string? User { get; init; }

    public string? WorkingDirectory { get; init; }

    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    public IReadOnlyList<string> Command { get; init; } = [];

    public IReadOnlyList<string> Environment { get; init; } = [];

    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    public IReadOnlyList<ImageHistoryEntry> History { get; init; } = [];
}
