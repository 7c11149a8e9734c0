using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Storage;

namespace Speedy.Registry.Tests.Support;

/// <summary>A registry on the in-memory driver, hosted by the ASP.NET Core test server.</summary>
internal sealed class TestRegistry : IAsyncDisposable
{
    private TestRegistry(WebApplication app, LogCapture logs)
    {
        App = app;
        Logs = logs;
        Client = app.GetTestClient();
        Driver = app.Services.GetRequiredService<IStorageDriver>();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>Errors the registry logged; any fails the test when the registry is disposed.</summary>
    public LogCapture Logs { get; }

    /// <summary>The driver the registry stores into, to inspect what a request left behind.</summary>
    public IStorageDriver Driver { get; }

    /// <param name="driver">A driver to share with another instance (a replica); a fresh memory driver when null.</param>
    /// <param name="configure">Changes to the options before the registry is built.</param>
    /// <param name="services">Registrations after the registry's own (an event sink, a key source, a clock).</param>
    public static async Task<TestRegistry> StartAsync(IStorageDriver? driver = null, Action<RegistryOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var options = new RegistryOptions { Storage = "memory" };
        configure?.Invoke(options);
        var logs = new LogCapture();
        var app = RegistryHost.Build(options, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.AddProvider(logs);
            if (driver is not null)
            {
                builder.Services.AddSingleton(driver);
            }

            services?.Invoke(builder.Services);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestRegistry(app, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Logs.AssertNoErrors();
    }
}
