using System.Net;
using System.Text.RegularExpressions;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// The index's web UI as a browser uses it: cookies kept, redirects not followed, and forms posted with the antiforgery
/// token from their hidden field.
/// </summary>
public sealed partial class WebUiClient : IDisposable
{
    private readonly HttpClient _client;

    public WebUiClient(Uri baseAddress)
    {
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The status and body of <c>GET path</c>.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(path, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="path"/> with the antiforgery token of the form on <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string path, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var (_, page) = await GetAsync(formPage, cancellationToken);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"{formPage} has no form with an antiforgery token:\n{page}");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) });
        return await _client.PostAsync(path, content, cancellationToken);
    }

    /// <summary>Signs in through the <c>/signin</c> form; the session cookie is kept for the next requests.</summary>
    public async Task SignInAsync(string name, string password, CancellationToken cancellationToken)
    {
        using var response = await PostFormAsync("/signin", "/signin", new Dictionary<string, string> { ["name"] = name, ["password"] = password }, cancellationToken);
        Assert.True(
            response.StatusCode == HttpStatusCode.Redirect,
            $"sign-in of {name} answered {(int)response.StatusCode}:\n{await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>The bootstrap administrator's password from a process's output ("one-time password: …; change it").</summary>
    public static string OneTimePassword(string output)
    {
        var match = OneTimePasswordLine().Match(output);
        Assert.True(match.Success, $"no one-time password in the output:\n{output}");
        return match.Groups[1].Value;
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("one-time password: ([^;\\s]+);")]
    private static partial Regex OneTimePasswordLine();
}
