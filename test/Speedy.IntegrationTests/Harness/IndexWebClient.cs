using System.Net;
using System.Text.RegularExpressions;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// The index's web UI as a browser uses it, over plain HTTP: cookies kept (the session and the antiforgery cookie),
/// redirects not followed, and every form posted with the antiforgery hidden field of the page it is on. The helpers
/// fill in the forms of <c>src/Speedy.Index/Pages</c> with their exact field names and read back what the page shows
/// once (one-time passwords, token and robot secrets).
/// </summary>
public sealed partial class IndexWebClient : IDisposable
{
    private const string AntiforgeryFieldName = "__RequestVerificationToken";

    private readonly HttpClient _client;

    public IndexWebClient(Uri baseAddress)
    {
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public async Task<IndexWebPage> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(path, cancellationToken);
        return await IndexWebPage.ReadAsync(response, cancellationToken);
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with the antiforgery token of the forms on <paramref name="formPage"/>.</summary>
    public async Task<IndexWebPage> PostFormAsync(
        string formPage, string action, IReadOnlyList<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var page = await GetAsync(formPage, cancellationToken);
        var token = AntiforgeryField().Match(page.Body);
        Assert.True(token.Success, $"GET {formPage} ({(int)page.Status}) has no form with an antiforgery token:{Environment.NewLine}{page.Body}");
        using var content = new FormUrlEncodedContent([.. fields, new(AntiforgeryFieldName, WebUtility.HtmlDecode(token.Groups[1].Value))]);
        using var response = await _client.PostAsync(action, content, cancellationToken);
        return await IndexWebPage.ReadAsync(response, cancellationToken);
    }

    /// <summary>The sign-in form (<c>/signin</c>: name, password); a success is a redirect.</summary>
    public async Task SignInAsync(string name, string password, CancellationToken cancellationToken)
    {
        var page = await PostFormAsync("/signin", "/signin", [new("name", name), new("password", password)], cancellationToken);
        Assert.True(page.Status == HttpStatusCode.Redirect, $"signing in as {name} answered {(int)page.Status}:{Environment.NewLine}{page.Body}");
    }

    /// <summary>An administrator's "New user" form on <c>/admin/users</c>; the user's one-time password, shown once.</summary>
    public async Task<string> CreateUserAsync(string name, CancellationToken cancellationToken)
    {
        var page = await PostFormAsync("/admin/users", "/admin/users?handler=Create", [new("name", name)], cancellationToken);
        return Shown(page, OneTimePassword(), $"creating user {name}");
    }

    /// <summary>The "New token" form on <c>/settings/tokens</c> (name, scopes, 30 days); the token's secret, shown once.</summary>
    public async Task<string> CreateTokenAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> fields = [new("TokenName", name), new("ExpiresInDays", "30")];
        fields.AddRange(scopes.Select(scope => new KeyValuePair<string, string>("Scopes", scope)));
        var page = await PostFormAsync("/settings/tokens", "/settings/tokens?handler=Create", fields, cancellationToken);
        return Shown(page, TokenSecret(), $"creating token {name}");
    }

    /// <summary>The Revoke button of the token named <paramref name="name"/> in the list on <c>/settings/tokens</c>.</summary>
    public async Task RevokeTokenAsync(string name, CancellationToken cancellationToken)
    {
        var list = await GetAsync("/settings/tokens", cancellationToken);
        var row = TokenRow().Matches(list.Body).FirstOrDefault(match => WebUtility.HtmlDecode(match.Groups["name"].Value) == name);
        Assert.True(row is not null, $"/settings/tokens lists no active token named {name}:{Environment.NewLine}{list.Body}");
        var page = await PostFormAsync("/settings/tokens", "/settings/tokens?handler=Revoke", [new("id", row.Groups["id"].Value)], cancellationToken);
        Assert.True(page.Status == HttpStatusCode.Redirect, $"revoking token {name} answered {(int)page.Status}:{Environment.NewLine}{page.Body}");
    }

    /// <summary>
    /// An administrator's "New robot account" form on <c>/admin/robots</c> (namespace, name, rights as
    /// <c>repository: actions</c> lines, 30 days); the robot's full name and secret, shown once.
    /// </summary>
    public async Task<(string Name, string Secret)> CreateRobotAsync(string ns, string name, string rights, CancellationToken cancellationToken)
    {
        var page = await PostFormAsync(
            "/admin/robots",
            "/admin/robots?handler=Create",
            [new("Namespace", ns), new("RobotName", name), new("Rights", rights), new("ExpiresInDays", "30")],
            cancellationToken);
        var secret = Shown(page, RobotSecret(), $"creating robot {name} in {ns}");
        return (WebUtility.HtmlDecode(RobotSecret().Match(page.Body).Groups["name"].Value), secret);
    }

    /// <summary>The "Make public" / "Make private" button on <c>/repo/NAME</c> (shown to those who may delete).</summary>
    public async Task SetVisibilityAsync(string repository, bool isPublic, CancellationToken cancellationToken)
    {
        var page = await PostFormAsync(
            $"/repo/{repository}", $"/repo/{repository}?handler=Visibility", [new("isPublic", isPublic ? "true" : "false")], cancellationToken);
        Assert.True(page.Status == HttpStatusCode.Redirect, $"making {repository} {(isPublic ? "public" : "private")} answered {(int)page.Status}:{Environment.NewLine}{page.Body}");
    }

    public void Dispose() => _client.Dispose();

    private static string Shown(IndexWebPage page, Regex secret, string what)
    {
        var match = secret.Match(page.Body);
        Assert.True(
            page.Status == HttpStatusCode.OK && match.Success,
            $"{what} answered {(int)page.Status} without showing the secret:{Environment.NewLine}{page.Body}");
        return WebUtility.HtmlDecode(match.Groups["secret"].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("id=\"one-time-password\">.*?<code>(?<secret>[^<]+)</code>", RegexOptions.Singleline)]
    private static partial Regex OneTimePassword();

    [GeneratedRegex("<code id=\"token-secret\">(?<secret>[^<]+)</code>")]
    private static partial Regex TokenSecret();

    [GeneratedRegex("id=\"new-robot\">.*?Copy the secret of (?<name>\\S+) now.*?<code>(?<secret>[^<]+)</code>", RegexOptions.Singleline)]
    private static partial Regex RobotSecret();

    /// <summary>A row of the token table with its Revoke form (only active tokens have one).</summary>
    [GeneratedRegex("<tr>\\s*<td>(?<name>[^<]*)</td>(?:(?!</tr>).)*?name=\"id\" value=\"(?<id>\\d+)\"", RegexOptions.Singleline)]
    private static partial Regex TokenRow();
}
