namespace Speedy.MetaServer;

/// <summary>Settings of <see cref="PostgresMetaStore"/>.</summary>
public sealed class PostgresMetaStoreOptions
{
    /// <summary>
    /// An Npgsql connection string for a database the store may create its tables in, e.g.
    /// "Host=10.0.0.5;Username=speedy;Database=speedy_meta". Pooling, timeouts and multiple hosts (for failover) are
    /// Npgsql's settings.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>The clock for modification times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
