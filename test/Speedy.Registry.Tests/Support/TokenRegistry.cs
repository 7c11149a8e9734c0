using System.Net.Http.Headers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Auth;
using Speedy.Testing;

namespace Speedy.Registry.Tests.Support;

/// <summary>A registry in token mode that trusts the keys of a <see cref="TestTokenIssuer"/>, handed over in process.</summary>
internal static class TokenRegistry
{
    public const string Realm = "https://index.test/token";

    public static AuthOptions Options(TestTokenIssuer issuer) => new()
    {
        Mode = AuthModes.Token,
        Realm = Realm,
        Service = issuer.Audience,
        Issuer = issuer.Issuer,
    };

    public static Task<TestRegistry> StartAsync(TestTokenIssuer issuer, Action<IServiceCollection>? services = null) =>
        TestRegistry.StartAsync(
            configure: options => options.Auth = Options(issuer),
            services: collection =>
            {
                collection.AddSingleton<ISigningKeySource>(new StaticSigningKeySource(issuer.PublicKeys));
                services?.Invoke(collection);
            });

    /// <summary>A client of the registry that sends <paramref name="token"/> as its bearer token on every request.</summary>
    public static HttpClient Client(TestRegistry registry, string token)
    {
        var client = registry.App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The one WWW-Authenticate value of a response.</summary>
    public static string? Challenge(HttpResponseMessage response) => Oci.Header(response, "WWW-Authenticate");
}
