namespace Speedy.Index.Store;

/// <summary>When failed sign-ins lock an account: <see cref="MaxFailures"/> within <see cref="Window"/> lock it for <see cref="Duration"/>.</summary>
public sealed record LockoutPolicy(int MaxFailures, TimeSpan Window, TimeSpan Duration);
