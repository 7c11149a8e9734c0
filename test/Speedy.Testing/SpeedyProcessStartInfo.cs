namespace Speedy.Testing;

/// <summary>What <see cref="SpeedyProcess"/> starts: <c>dotnet speedy.dll ARGUMENTS</c>, and how it tells the process is ready.</summary>
public sealed class SpeedyProcessStartInfo
{
    /// <summary>Everything after <c>speedy.dll</c>, for example <c>registry --listen 127.0.0.1:5000 --data DIR</c>.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>Variables set for the child on top of this process's environment (inherited SPEEDY_* and ASPNETCORE_* are removed).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The child's working directory; the tests' output directory when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Where the process listens, when the test knows it.</summary>
    public Uri Address { get; init; } = new("http://127.0.0.1/");

    /// <summary>Awaited by <see cref="SpeedyProcess.StartAsync"/>; none means the process counts as started at once.</summary>
    public ReadinessProbe? Readiness { get; init; }

    /// <summary>Receives the process's whole output when it is disposed (the test output, typically).</summary>
    public Action<string>? Log { get; init; }
}
