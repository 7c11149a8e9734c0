using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Speedy.Registry.Tests.Support;

/// <summary>Records what the registry logs at Warning and above, so a test can fail on any logged error.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _warnings = new();

    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>What was logged at Warning.</summary>
    public IReadOnlyCollection<string> Warnings => _warnings;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Takes the errors logged so far, for a test that expects them; they no longer fail it.</summary>
    public List<string> TakeErrors()
    {
        var taken = new List<string>();
        while (_errors.TryDequeue(out var error))
        {
            taken.Add(error);
        }

        return taken;
    }

    /// <summary>Fails the test if anything was logged at Error or above.</summary>
    public void AssertNoErrors()
    {
        if (!_errors.IsEmpty)
        {
            Assert.Fail("the registry logged errors:\n" + string.Join("\n", _errors));
        }
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                (logLevel == LogLevel.Warning ? owner._warnings : owner._errors).Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
