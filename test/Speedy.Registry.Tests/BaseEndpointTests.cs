using System.Net;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

public sealed class BaseEndpointTests
{
    [Fact]
    public async Task GetV2_Returns200WithApiVersionHeader()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync("/v2/", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", Oci.Header(response, "Docker-Distribution-API-Version"));
    }

    [Fact]
    public async Task GetV2_WithoutTrailingSlash_Returns200()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync("/v2", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", Oci.Header(response, "Docker-Distribution-API-Version"));
    }

    [Fact]
    public async Task HeadV2_Returns200WithApiVersionHeader()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Head, "/v2/");
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", Oci.Header(response, "Docker-Distribution-API-Version"));
    }

    [Fact]
    public async Task PostV2_Returns405Unsupported()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync("/v2/", null, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
    }
}
