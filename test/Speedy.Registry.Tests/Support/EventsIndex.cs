using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Index;
using Speedy.Index.Store;
using Speedy.Testing;

namespace Speedy.Registry.Tests.Support;

/// <summary>
/// A real index (<c>speedy index</c>'s own host) on Kestrel over SQLite in a temporary directory, with an events secret
/// and a short pull flush interval, for the registry to forward its events to over HTTP.
/// </summary>
internal sealed class EventsIndex : IAsyncDisposable
{
    public const string Secret = "events-secret-0123456789";

    private readonly TempDirectory _directory;
    private readonly WebApplication _app;

    private EventsIndex(TempDirectory directory, WebApplication app, int port)
    {
        _directory = directory;
        _app = app;
        Url = $"http://127.0.0.1:{port}";
    }

    /// <summary>The base URL the registry's <c>Events:Url</c> names.</summary>
    public string Url { get; }

    public IIndexStore Store => _app.Services.GetRequiredService<IIndexStore>();

    /// <summary>Starts on <paramref name="port"/> (one nothing listens on yet), or on a free one.</summary>
    public static Task<EventsIndex> StartAsync(int? port = null) => StartOnAsync(port ?? FreePort.Next());

    /// <summary>The repository once the index has it with at least <paramref name="pulls"/> pulls written, or fails after 30 s.</summary>
    public async Task<Repository> WaitForRepositoryAsync(string name, long pulls = 0)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        Repository? repository = null;
        try
        {
            while (true)
            {
                repository = await Store.GetRepositoryAsync(name, deadline.Token);
                if (repository is not null && repository.PullCount >= pulls)
                {
                    return repository;
                }

                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the index did not get {name} with {pulls} pulls within 30 s; it has {repository?.ToString() ?? "nothing"}");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _directory.Dispose();
    }

    private static async Task<EventsIndex> StartOnAsync(int port)
    {
        var directory = TempDirectory.Create("events-index");
        var options = new IndexOptions
        {
            Listen = $"127.0.0.1:{port}",
            Data = directory.Path,
            EventsSecret = Secret,
            BcryptWorkFactor = 4,
            PullFlushInterval = TimeSpan.FromMilliseconds(200),
        };
        WebApplication? app = null;
        try
        {
            app = await IndexHost.BuildAsync(options, builder => builder.Services.AddSingleton(new IndexConsole(TextWriter.Null)), TestContext.Current.CancellationToken);
            await app.StartAsync(TestContext.Current.CancellationToken);
            return new EventsIndex(directory, app, port);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            directory.Dispose();
            throw;
        }
    }
}
