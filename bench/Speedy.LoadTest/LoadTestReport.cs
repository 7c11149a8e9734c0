namespace Speedy.LoadTest;

/// <summary>What <c>--json</c> writes: the run and every step's figures.</summary>
internal sealed record LoadTestReport(
    string? Label,
    string Registry,
    DateTimeOffset Started,
    bool Quick,
    bool Interrupted,
    long Failures,
    IReadOnlyList<StepResult> Steps);
