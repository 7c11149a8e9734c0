using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using Speedy.Index.Tokens;
using Speedy.Index.Web.Registry;

namespace Speedy.Index.Web;

/// <summary>
/// Wires the index's web UI (server-rendered Razor Pages under <c>Pages/</c>) into an application that already has the
/// index (<see cref="IndexApplication.AddSpeedyIndex"/>): sign-in cookies, antiforgery, the registry browser and the
/// pages. Optional services the host may register: <see cref="Health.IStoreHealth"/> (the admin health page) and its
/// own <see cref="RegistryTokenFactory"/> (by default the index's <see cref="TokenIssuer"/> signs for the UI).
/// </summary>
public static class IndexWebApplication
{
    public const string SessionCookie = "speedy.session";
    public const string AntiforgeryCookie = "speedy.antiforgery";

    public static IServiceCollection AddSpeedyIndexWeb(this IServiceCollection services, IndexWebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<MarkdownRenderer>();
        // Text outside ASCII (names, descriptions, ★) as characters rather than numeric entities; markup is still encoded.
        services.Configure<WebEncoderOptions>(encoder => encoder.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddHttpClient<IRegistryBrowser, HttpRegistryBrowser>();
        services.TryAddSingleton<RegistryTokenFactory>(sp =>
        {
            var issuer = sp.GetRequiredService<TokenIssuer>();
            return (subject, access) => issuer.Issue(subject, access).Token;
        });

        var dataProtection = services.AddDataProtection().SetApplicationName("speedy-index");
        if (options.KeysDirectory is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(Directory.CreateDirectory(keys));
        }

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = SessionCookie;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/signin";
            cookie.LogoutPath = "/signout";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.ExpireTimeSpan = options.SessionLifetime;
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = WebSession.ValidateAsync;
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = AntiforgeryCookie;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        var assembly = typeof(IndexWebApplication).Assembly;
        services.AddRazorPages(pages =>
            {
                pages.Conventions.ConfigureFilter(new WebErrorFilter());
                pages.Conventions.ConfigureFilter(new SecurityHeadersFilter());
            })
            .ConfigureApplicationPartManager(parts =>
            {
                // Added once: the host's own discovery may already have found this assembly.
                if (!parts.ApplicationParts.Any(part => part is AssemblyPart existing && existing.Assembly == assembly))
                {
                    foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                    {
                        parts.ApplicationParts.Add(part);
                    }
                }
            });
        return services;
    }

    /// <summary>
    /// Adds the cookie authentication middleware and maps the pages, <c>/static/*</c>, and a not-found page for any
    /// other GET no endpoint took.
    /// </summary>
    public static WebApplication MapSpeedyIndexWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.MapGet(WebAssets.StylesheetPath, WebAssets.Stylesheet);
        app.MapGet(WebAssets.ScriptPath, WebAssets.Script);
        app.MapRazorPages();
        app.MapFallbackToPage("/NotFound");
        return app;
    }
}
