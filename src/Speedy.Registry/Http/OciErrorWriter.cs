using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>Writes the spec's error body: <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
internal static class OciErrorWriter
{
    public static async Task WriteAsync(HttpContext context, RegistryException error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var body = Serialize(OciErrors.Get(error.Code).Code, error.Message, error.Detail);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    public static byte[] Serialize(string code, string message, object? detail)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("errors");
            writer.WriteStartObject();
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WritePropertyName("detail");
            if (detail is null)
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            else
            {
                JsonSerializer.Serialize(writer, detail, detail.GetType());
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
