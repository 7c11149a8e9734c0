namespace Speedy.LoadTest;

/// <summary>The workloads, in the order a run takes them.</summary>
internal enum Workload
{
    Pull,
    Push,
    Manifest,
    Image,
    Mixed,
}
