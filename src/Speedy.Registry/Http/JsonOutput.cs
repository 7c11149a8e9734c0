using System.Text.Encodings.Web;
using System.Text.Json;

namespace Speedy.Registry.Http;

/// <summary>How the registry writes every JSON body (tag lists, the catalog, referrers, errors).</summary>
internal static class JsonOutput
{
    /// <summary>
    /// Escapes only what JSON itself requires: media types keep their '+' and a quote in a message reads \"
    /// rather than <c>\u0022</c>. The default encoder also escapes HTML-sensitive characters, which matters only
    /// for JSON embedded in an HTML page; these bodies are always served as application/json.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
