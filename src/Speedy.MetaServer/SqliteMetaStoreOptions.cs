namespace Speedy.MetaServer;

/// <summary>Settings of <see cref="SqliteMetaStore"/>.</summary>
public sealed class SqliteMetaStoreOptions
{
    /// <summary>The database file; created with its schema if missing. Its directory must exist.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>The clock for modification times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
