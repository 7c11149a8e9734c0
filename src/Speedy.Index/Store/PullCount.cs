namespace Speedy.Index.Store;

/// <summary>Pulls of one repository gathered in memory since the last flush.</summary>
public sealed record PullCount(string Repository, long Count, DateTimeOffset LastPull);
