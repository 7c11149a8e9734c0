using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;

namespace Speedy.Index.Web;

/// <summary>
/// Renders descriptions: Markdown (with tables, autolinks, strikethrough; raw HTML passes through Markdig) to HTML,
/// then through an allow-list sanitizer, so what a maintainer writes can never run script in a reader's browser:
/// only text-formatting tags, links and images survive, with no event handlers, styles or classes, and URLs only with
/// <c>http</c>, <c>https</c> or <c>mailto</c> (or relative). Links leave with <c>rel="nofollow noopener noreferrer"</c>.
/// </summary>
public sealed class MarkdownRenderer
{
    private static readonly string[] s_tags =
    [
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "var",
    ];

    private static readonly string[] s_attributes = ["href", "src", "alt", "title", "align", "colspan", "rowspan", "start", "width", "height", "open"];

    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .Build();

    private readonly HtmlSanitizer _sanitizer;

    public MarkdownRenderer()
    {
        _sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(s_tags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(s_attributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        });
        _sanitizer.PostProcessNode += static (_, e) =>
        {
            if (e.Node is IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "nofollow noopener noreferrer");
            }
        };
    }

    /// <summary>Safe HTML for <paramref name="markdown"/>; empty for an empty description.</summary>
    public string Render(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        return markdown.Length == 0 ? string.Empty : _sanitizer.Sanitize(Markdown.ToHtml(markdown, _pipeline));
    }
}
