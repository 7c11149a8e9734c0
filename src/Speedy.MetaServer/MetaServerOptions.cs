using Speedy.Hosting;

namespace Speedy.MetaServer;

/// <summary>A meta server's settings, bound from configuration and validated on start.</summary>
public sealed class MetaServerOptions
{
    /// <summary>The store for <see cref="Store"/> = <c>sqlite</c>: the embedded default.</summary>
    public const string SqliteStore = "sqlite";

    /// <summary>The store for <see cref="Store"/> = <c>postgres</c>: several meta servers share one database.</summary>
    public const string PostgresStore = "postgres";

    /// <summary>Where the role listens unless told otherwise.</summary>
    public const string DefaultListen = "127.0.0.1:7003";

    /// <summary><c>host:port</c> to listen on.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary><see cref="SqliteStore"/> or <see cref="PostgresStore"/>.</summary>
    public string Store { get; set; } = SqliteStore;

    /// <summary>The data directory; the SQLite store keeps its database <see cref="DatabaseFileName"/> in it.</summary>
    public string Data { get; set; } = "./data";

    /// <summary>The Npgsql connection string of the PostgreSQL store (<c>SPEEDY_CONNECTIONSTRING</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The SQLite database's file name under <see cref="Data"/>.</summary>
    public static string DatabaseFileName => "meta.db";

    /// <summary>Where the SQLite store keeps its database.</summary>
    public string DatabasePath => Path.Combine(Data, DatabaseFileName);


    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        ListenAddress.ParseFlag(Listen, DefaultListen);
        switch (Store)
        {
            case SqliteStore when string.IsNullOrWhiteSpace(Data):
                throw new ArgumentException("the SQLite store needs a data directory (--data)");
            case SqliteStore:
                break;
            case PostgresStore when string.IsNullOrWhiteSpace(ConnectionString):
                throw new ArgumentException(
                    "the PostgreSQL store needs a connection string (--connection-string or SPEEDY_CONNECTIONSTRING)");
            case PostgresStore:
                break;
            default:
                throw new ArgumentException($"unknown store \"{Store}\"; use {SqliteStore} or {PostgresStore} (--store)");
        }
    }
}
