using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Speedy.Auth;
using Speedy.Registry.Core;
using Speedy.Registry.Http;

namespace Speedy.Registry.Auth;

/// <summary>
/// The step before every endpoint: finds the access the request needs (<see cref="RequiredAccess"/>), checks the
/// credential the request carries, and either records who it is (<see cref="RegistryPrincipal"/>) or refuses it with
/// 401 UNAUTHORIZED and a challenge. Token mode answers with Docker's <c>Bearer realm,service,scope</c> challenge
/// (plus <c>error="invalid_token"</c> for a token that does not validate, <c>error="insufficient_scope"</c> for a
/// valid one that lacks the access); htpasswd mode with a Basic challenge. A path that names no resource or an
/// invalid repository is answered (404, 400 NAME_INVALID) before this step: its answer depends on the path alone
/// and tells nothing about what is stored.
/// </summary>
internal sealed class RegistryAuthorization
{
    private const string BearerScheme = "Bearer ";
    private const string BasicScheme = "Basic ";

    private readonly AuthOptions _options;
    private readonly TokenValidator? _tokens;
    private readonly HtpasswdAuthenticator? _htpasswd;
    private readonly ILogger<RegistryAuthorization> _logger;

    private RegistryAuthorization(AuthOptions options, TokenValidator? tokens, HtpasswdAuthenticator? htpasswd, ILogger<RegistryAuthorization> logger)
    {
        _options = options;
        _tokens = tokens;
        _htpasswd = htpasswd;
        _logger = logger;
    }

    /// <summary>False when every request is served as it comes (mode none).</summary>
    public bool Enabled => _tokens is not null || _htpasswd is not null;

    public static RegistryAuthorization Create(AuthOptions options, ILogger<RegistryAuthorization> logger, Func<ISigningKeySource> keys, Func<HtpasswdAuthenticator> htpasswd) => options.Mode switch
    {
        AuthModes.None => new RegistryAuthorization(options, null, null, logger),
        AuthModes.Htpasswd => new RegistryAuthorization(options, null, htpasswd(), logger),
        AuthModes.Token => new RegistryAuthorization(options, new TokenValidator(options.Issuer, options.Service, keys()), null, logger),
        _ => throw new InvalidOperationException($"unknown auth mode \"{options.Mode}\"; use none, htpasswd or token"),
    };

    /// <summary>
    /// Lets the request through (recording its principal) or throws the 401 <see cref="RegistryException"/> after
    /// setting the challenge header. A method the route does not serve passes untouched, for the router's 405.
    /// </summary>
    public ValueTask AuthorizeAsync(HttpContext context, RegistryRoute route)
    {
        if (RequiredAccess.For(route, context.Request.Method) is not { } required)
        {
            return ValueTask.CompletedTask;
        }

        if (_tokens is not null)
        {
            return AuthorizeBearerAsync(context, required, _tokens);
        }

        if (_htpasswd is not null)
        {
            AuthorizeBasic(context, _htpasswd);
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask AuthorizeBearerAsync(HttpContext context, RequiredAccess required, TokenValidator tokens)
    {
        if (!TryGetCredentials(context.Request, BearerScheme, out var token))
        {
            throw BearerChallenge(context, required, null, "authentication required");
        }

        var outcome = await tokens.ValidateAsync(token, context.RequestAborted);
        if (!outcome.IsValid)
        {
            Log.TokenRefused(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, outcome.Failure);
            throw BearerChallenge(context, required, "invalid_token", outcome.Failure);
        }

        if (required.Type is { } type && !outcome.Allows(type, required.Name, required.Action))
        {
            var account = outcome.Subject is null ? "an anonymous token" : $"the token of {outcome.Subject}";
            throw BearerChallenge(context, required, "insufficient_scope", $"{account} does not grant {required.Action} on {type} {required.Name}");
        }

        context.Features.Set(new RegistryPrincipal(outcome.Subject, outcome));
    }

    private void AuthorizeBasic(HttpContext context, HtpasswdAuthenticator htpasswd)
    {
        if (!TryGetCredentials(context.Request, BasicScheme, out var encoded))
        {
            throw BasicChallenge(context, "authentication required");
        }

        if (!TryDecodeBasic(encoded, out var user, out var password) || !htpasswd.Authenticate(user, password))
        {
            Log.BasicRefused(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            throw BasicChallenge(context, "invalid user name or password");
        }

        context.Features.Set(new RegistryPrincipal(user, null));
    }

    /// <summary>The credentials of an <c>Authorization</c> header of <paramref name="scheme"/> (case-insensitive).</summary>
    private static bool TryGetCredentials(HttpRequest request, string scheme, out string credentials)
    {
        var header = request.Headers.Authorization;
        if (header.Count == 1 && header[0] is { } value && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            credentials = value[scheme.Length..].Trim();
            return credentials.Length > 0;
        }

        credentials = string.Empty;
        return false;
    }

    /// <summary>Base64 of <c>user:password</c> in UTF-8; the user is what precedes the first colon and is not empty.</summary>
    private static bool TryDecodeBasic(string encoded, out string user, out string password)
    {
        user = password = string.Empty;
        if (encoded.Length > 4096)
        {
            return false;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(encoded.Length);
        try
        {
            if (!Convert.TryFromBase64String(encoded, bytes, out var length))
            {
                return false;
            }

            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(bytes, 0, length);
            }
            catch (DecoderFallbackException)
            {
                return false;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            user = text[..colon];
            password = text[(colon + 1)..];
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
        }
    }

    private RegistryException BearerChallenge(HttpContext context, RequiredAccess required, string? error, string message)
    {
        var challenge = new StringBuilder("Bearer realm=\"").Append(_options.Realm).Append("\",service=\"").Append(_options.Service).Append('"');
        var scope = required.Scope(context.Request);
        if (scope.Length > 0)
        {
            challenge.Append(",scope=\"").Append(scope).Append('"');
        }

        if (error is not null)
        {
            challenge.Append(",error=\"").Append(error).Append('"');
        }

        context.Response.Headers[HeaderNames.WWWAuthenticate] = challenge.ToString();
        return new RegistryException(OciErrorCode.Unauthorized, message);
    }

    private RegistryException BasicChallenge(HttpContext context, string message)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = $"Basic realm=\"{_options.Realm ?? AuthOptions.DefaultBasicRealm}\"";
        return new RegistryException(OciErrorCode.Unauthorized, message);
    }
}
