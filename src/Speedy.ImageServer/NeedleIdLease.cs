namespace Speedy.ImageServer;

/// <summary>Needle ids leased from the master: <see cref="Start"/> up to, not including, <see cref="End"/>.</summary>
public readonly record struct NeedleIdLease(ulong Start, ulong End);
