using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Speedy.Auth;
using Speedy.Index.Events;
using Speedy.Index.Keys;
using Speedy.Index.Store;
using Speedy.Index.Tokens;

namespace Speedy.Index;

/// <summary>
/// Wires the index into an ASP.NET Core application, alone (<see cref="IndexHost"/>) or next to the registry in
/// <c>speedy server</c> (the registry keeps <c>/v2/</c>; the index owns <c>/token</c>, <c>/.well-known/*</c>,
/// <c>/events</c> and, later, the web UI).
/// </summary>
public static class IndexApplication
{
    /// <summary>
    /// Registers the index's services over <paramref name="store"/>, which the container then owns (and disposes):
    /// the <see cref="IIndexStore"/>, the <see cref="SigningKeyRing"/> (also as <see cref="ISigningKeySource"/> for an
    /// in-process registry), <see cref="IndexEvents"/> (the in-process sink for registry events),
    /// <see cref="CredentialVerifier"/>, <see cref="AccessPolicy"/>, <see cref="PasswordHasher"/>, <see cref="TokenIssuer"/>,
    /// and the hosted services that bootstrap the administrator, rotate keys and flush pull counts.
    /// </summary>
    public static IServiceCollection AddSpeedyIndex(this IServiceCollection services, IndexOptions options, IIndexStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options.Validate();
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => store);
        services.AddSingleton(new IndexConsole(Console.Error));
        services.AddSingleton(new PasswordHasher(options.BcryptWorkFactor));
        services.AddSingleton(sp => SigningKeyRing.Open(
            options.KeysDirectory,
            new SigningKeyRingOptions { RotationInterval = options.KeyRotationInterval, PublishDelay = options.KeyPublishDelay },
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<SigningKeyRing>());
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<CredentialVerifier>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<IndexEvents>();
        services.AddHostedService<IndexStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexEvents>());
        return services;
    }

    /// <summary>
    /// Maps <c>GET</c>/<c>POST</c> <see cref="TokenProtocol.TokenPath"/>, <c>GET</c> <see cref="TokenProtocol.JwksPath"/>,
    /// <c>GET /health</c> and, when <see cref="IndexOptions.EventsSecret"/> is set, <c>POST /events</c>. A failure of
    /// the store answers 503 with the error JSON, never a bare 500.
    /// </summary>
    public static IEndpointRouteBuilder MapSpeedyIndex(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IndexOptions>();
        var group = endpoints.MapGroup(string.Empty);
        group.AddEndpointFilter(GuardAsync);
        group.MapGet(TokenProtocol.TokenPath, (HttpContext context, TokenService tokens) => tokens.GetAsync(context));
        group.MapPost(TokenProtocol.TokenPath, (HttpContext context, TokenService tokens) => tokens.PostAsync(context)).DisableAntiforgery();
        group.MapGet(TokenProtocol.JwksPath, JwksEndpoint.GetAsync);
        group.MapGet("/health", static () => Results.Ok());
        if (options.EventsSecret is not null)
        {
            group.MapPost(EventEndpoints.Path, EventEndpoints.PostAsync).DisableAntiforgery();
        }

        return endpoints;
    }

    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        try
        {
            return await next(invocation);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IndexApplication));
            Log.RequestFailed(logger, context.Request.Method, context.Request.Path, ex);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await TokenService.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE", "temporarily_unavailable", "the index cannot reach its store; try again");
            }

            return null;
        }
    }
}
