using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>One message a <see cref="LogCapture"/> kept.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);
