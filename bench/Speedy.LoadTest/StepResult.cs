namespace Speedy.LoadTest;

/// <summary>
/// The figures of one step. Rates are over <see cref="Seconds"/>; MB is 10^6 bytes of bodies either way. An
/// operation is what <see cref="Operation"/> names (a blob GET, a blob push, an image pull, …); the percentiles
/// time completed operations, first byte sent to last byte received.
/// </summary>
internal sealed record StepResult(
    string Workload,
    string Step,
    int Clients,
    string Operation,
    double Seconds,
    long Requests,
    long Operations,
    long Bytes,
    double MegabytesPerSecond,
    double RequestsPerSecond,
    double OperationsPerSecond,
    double? P50Ms,
    double? P99Ms,
    double? MaxMs,
    long Failures,
    IReadOnlyList<string> Errors);
