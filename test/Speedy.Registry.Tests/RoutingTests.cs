using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary>Repository names in paths, unknown paths and unsupported methods.</summary>
public sealed class RoutingTests
{
    private static readonly string s_longName = new('a', 256);

    public static TheoryData<string> InvalidNames() => new(
        "Upper",
        "library/Ubuntu",
        "a//b",
        "../x",
        "a/../x",
        "a/./x",
        "%2e%2e/x",
        "a/%2e%2e/x",
        "a/%2E%2E",
        "a%2fb",
        "a%2Fb/..",
        "_private",
        "a/_uploads",
        "a/",
        "-a",
        "a-",
        "a..b",
        "a___b",
        "a b",
        "é",
        s_longName,
        "a/" + new string('b', 254));

    public static TheoryData<string, string> EveryEndpoint()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in (string[])["Upper", "a//b", "../x", "a/../x", "%2e%2e/x", "a/%2e%2e/x", s_longName])
        {
            data.Add("GET", $"/v2/{name}/tags/list");
            data.Add("GET", $"/v2/{name}/manifests/latest");
            data.Add("PUT", $"/v2/{name}/manifests/latest");
            data.Add("DELETE", $"/v2/{name}/manifests/latest");
            data.Add("GET", $"/v2/{name}/blobs/{Oci.Sha256([1])}");
            data.Add("DELETE", $"/v2/{name}/blobs/{Oci.Sha256([1])}");
            data.Add("POST", $"/v2/{name}/blobs/uploads/");
            data.Add("PATCH", $"/v2/{name}/blobs/uploads/0123456789abcdef0123456789abcdef?_state=x");
            data.Add("GET", $"/v2/{name}/referrers/{Oci.Sha256([1])}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public async Task TagsList_WithInvalidName_Returns400NameInvalid(string name)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await SendRawAsync(registry, HttpMethod.Get, $"/v2/{name}/tags/list");
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task EveryEndpoint_WithInvalidName_Returns400NameInvalidAndStoresNothing(string method, string path)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await SendRawAsync(registry, new HttpMethod(method), path, method is "PUT" or "PATCH" or "POST" ? [1, 2, 3] : null);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "NAME_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
    }

    [Fact]
    public async Task Name_OfLongestValidLength_IsAccepted()
    {
        await using var registry = await TestRegistry.StartAsync();
        var name = new string('a', 127) + "/" + new string('b', 127);
        Assert.Equal(255, name.Length);
        await Oci.PushImageAsync(registry.Client, name, "latest");
        Assert.Equal(["latest"], await TagListTests.ListTagsAsync(registry.Client, name));
    }

    [Theory]
    [InlineData("a.b/c-d/e__f/g_h/i---j/0")]
    [InlineData("library/ubuntu")]
    [InlineData("x")]
    public async Task Name_WithEverySeparator_IsAccepted(string name)
    {
        await using var registry = await TestRegistry.StartAsync();
        await Oci.PushImageAsync(registry.Client, name, "latest");
        Assert.Equal(["latest"], await TagListTests.ListTagsAsync(registry.Client, name));
    }

    [Theory]
    [InlineData("/v2/foo")]
    [InlineData("/v2/foo/bar")]
    [InlineData("/v2/foo/bar/baz")]
    [InlineData("/v2/_catalog/extra")]
    [InlineData("/v2/foo/tags")]
    [InlineData("/v2/foo/tags/list/extra")]
    [InlineData("/v2/foo/manifests")]
    [InlineData("/v2/foo/blobs")]
    [InlineData("/v2/blobs/uploads")]
    [InlineData("/v2//manifests/latest")]
    [InlineData("/v3/")]
    [InlineData("/")]
    [InlineData("/favicon.ico")]
    [InlineData("/v2x")]
    public async Task UnknownPath_Returns404WithErrorJson(string path)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await SendRawAsync(registry, HttpMethod.Get, path);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
        await Oci.AssertErrorAsync(response, response.StatusCode, null);
    }

    [Theory]
    [InlineData("DELETE", "/v2/")]
    [InlineData("PUT", "/v2/_catalog")]
    [InlineData("POST", "/v2/repo/tags/list")]
    [InlineData("DELETE", "/v2/repo/tags/list")]
    [InlineData("PATCH", "/v2/repo/manifests/latest")]
    [InlineData("POST", "/v2/repo/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("PATCH", "/v2/repo/blobs/uploads/")]
    [InlineData("PUT", "/v2/repo/blobs/uploads/")]
    [InlineData("GET", "/v2/repo/blobs/uploads/")]
    [InlineData("POST", "/v2/repo/blobs/uploads/0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/v2/repo/referrers/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("OPTIONS", "/v2/repo/manifests/latest")]
    [InlineData("TRACE", "/v2/")]
    public async Task WrongMethod_Returns405UnsupportedJson(string method, string path)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await SendRawAsync(registry, new HttpMethod(method), path);
        await Oci.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        var allow = response.Content.Headers.Allow;
        Assert.NotEmpty(allow);
        Assert.DoesNotContain(method, allow);
    }

    /// <summary>
    /// Sends the request target exactly as written, as Kestrel would receive it: no dot-segment removal or
    /// re-escaping by a client <see cref="Uri"/>. The decoded path is what a front end that does not normalize passes on.
    /// </summary>
    internal static async Task<HttpResponseMessage> SendRawAsync(TestRegistry registry, HttpMethod method, string target, byte[]? body = null, string? authorization = null)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        var context = await registry.App.GetTestServer().SendAsync(
            context =>
            {
                context.Request.Method = method.Method;
                context.Request.Path = PathString.FromUriComponent(path);
                context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
                context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
                if (authorization is not null)
                {
                    context.Request.Headers.Authorization = authorization;
                }

                if (body is not null)
                {
                    context.Request.Body = new MemoryStream(body);
                    context.Request.ContentLength = body.Length;
                    context.Request.ContentType = "application/octet-stream";
                }
            },
            Oci.Token);

        var response = new HttpResponseMessage((HttpStatusCode)context.Response.StatusCode);
        var content = new MemoryStream();
        await context.Response.Body.CopyToAsync(content, Oci.Token);
        response.Content = new ByteArrayContent(content.ToArray());
        foreach (var (name, values) in context.Response.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                response.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return response;
    }
}
