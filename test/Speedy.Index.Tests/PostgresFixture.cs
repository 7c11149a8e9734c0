using Speedy.Testing;

namespace Speedy.Index.Tests;

/// <summary>The shared private PostgreSQL server (test/Speedy.Testing) as an xUnit class fixture: one server per test class.</summary>
public sealed class PostgresFixture : PostgresServer, IAsyncLifetime;
