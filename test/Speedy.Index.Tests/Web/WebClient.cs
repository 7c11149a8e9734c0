using System.Net;
using System.Text.RegularExpressions;

namespace Speedy.Index.Tests.Web;

/// <summary>Requests pages as a browser would (cookies kept, redirects not followed), and posts forms with their antiforgery token.</summary>
internal sealed partial class WebClient : IDisposable
{
    private readonly HttpClient _client;

    public WebClient(Uri address)
    {
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = address,
        };
    }

    public async Task<WebResponse> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);
        return await WebResponse.ReadAsync(response);
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="path"/> with the antiforgery token of the form on <paramref name="formPage"/>.</summary>
    public async Task<WebResponse> PostFormAsync(string formPage, string path, IReadOnlyDictionary<string, string> fields)
    {
        var page = await GetAsync(formPage);
        var token = AntiforgeryField().Match(page.Body);
        Assert.True(token.Success, $"{formPage} has no form with an antiforgery token:\n{page.Body}");
        return await PostAsync(path, new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) });
    }

    /// <summary>Posts exactly <paramref name="fields"/>, with no token unless given.</summary>
    public async Task<WebResponse> PostAsync(string path, IReadOnlyDictionary<string, string> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await _client.PostAsync(path, content, TestContext.Current.CancellationToken);
        return await WebResponse.ReadAsync(response);
    }

    public async Task SignInAsync(string name, string password)
    {
        var response = await PostFormAsync("/signin", "/signin", new Dictionary<string, string> { ["name"] = name, ["password"] = password });
        Assert.True(response.Status == HttpStatusCode.Redirect, $"sign-in of {name} answered {response.Status}:\n{response.Body}");
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
