using System.Net;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary>The signed <c>_state</c> of upload locations.</summary>
public sealed class UploadLocationTests
{
    private const string Name = "signed/uploads";

    public static TheoryData<string> Methods() => new("GET", "PATCH", "PUT", "DELETE");

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task UploadRequest_WithTamperedState_Returns400BlobUploadInvalid(string method)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var index = location.IndexOf("_state=", StringComparison.Ordinal) + "_state=".Length;
        var flipped = location[index] == 'A' ? 'B' : 'A';
        var tampered = location[..index] + flipped + location[(index + 1)..];
        using var response = await SendAsync(registry.Client, method, tampered);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
        Assert.Equal("0-0", await UploadEndpointTests.StatusRangeAsync(registry.Client, location));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task UploadRequest_WithoutState_Returns400BlobUploadInvalid(string method)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var bare = location[..location.IndexOf('?', StringComparison.Ordinal)];
        using var response = await SendAsync(registry.Client, method, bare);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
    }

    public static TheoryData<int, char> EveryPositionChanged()
    {
        var data = new TheoryData<int, char>();
        for (var position = 0; position < 22; position++)
        {
            foreach (var replacement in (char[])['A', 'B', 'Q', 'g', 'w', '-', '_', '0'])
            {
                data.Add(position, replacement);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPositionChanged))]
    public async Task UploadState_WithAnyCharacterChanged_IsRefusedWithoutA500(int position, char replacement)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var start = location.IndexOf("_state=", StringComparison.Ordinal) + "_state=".Length;
        var state = location[start..];
        Assert.Equal(22, state.Length);
        if (state[position] == replacement)
        {
            return;
        }

        var tampered = location[..start] + state[..position] + replacement + state[(position + 1)..];
        using var response = await registry.Client.GetAsync(tampered, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
    }

    [Theory]
    [InlineData("drop-last")]
    [InlineData("append")]
    [InlineData("pad")]
    [InlineData("standard-base64")]
    public async Task UploadState_WithLengthOrAlphabetChanged_IsRefusedWithoutA500(string tampering)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var start = location.IndexOf("_state=", StringComparison.Ordinal) + "_state=".Length;
        var state = location[start..];
        var tampered = tampering switch
        {
            "drop-last" => state[..^1],
            "append" => state + "A",
            "pad" => state + "%3D%3D",
            _ => state.Replace('-', '+').Replace('_', '/').Replace("+", "%2B", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal) + (state.Contains('-') || state.Contains('_') ? string.Empty : "%2B"),
        };
        using var response = await registry.Client.GetAsync(location[..start] + tampered, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
    }

    [Theory]
    [InlineData("_state=")]
    [InlineData("_state=%00%01")]
    [InlineData("_state=====")]
    [InlineData("_state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("_state=A")]
    public async Task UploadRequest_WithGarbageState_Returns400BlobUploadInvalid(string query)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var bare = location[..location.IndexOf('?', StringComparison.Ordinal)];
        using var response = await registry.Client.GetAsync(bare + "?" + query, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task UploadState_FromAnotherRepository_IsRefused(string method)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, "repo/a");
        var moved = location.Replace("/v2/repo/a/", "/v2/repo/b/", StringComparison.Ordinal);
        using var response = await SendAsync(registry.Client, method, moved);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories/repo/b"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
    }

    [Fact]
    public async Task UploadState_OfAnotherSession_IsRefused()
    {
        await using var registry = await TestRegistry.StartAsync();
        var first = await Oci.StartUploadAsync(registry.Client, Name);
        var second = await Oci.StartUploadAsync(registry.Client, Name);
        var state = second[second.IndexOf('?', StringComparison.Ordinal)..];
        var mixed = first[..first.IndexOf('?', StringComparison.Ordinal)] + state;
        using var response = await registry.Client.GetAsync(mixed, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
    }

    [Fact]
    public async Task UploadState_SignedWithConfiguredSecret_VerifiesOnAnotherInstanceWithTheSameSecret()
    {
        await using var first = await TestRegistry.StartAsync(configure: options => options.UploadSecret = "s3cret");
        await using var second = await TestRegistry.StartAsync(first.Driver, options => options.UploadSecret = "s3cret");
        var location = await Oci.StartUploadAsync(first.Client, Name);
        Assert.Equal("0-0", await UploadEndpointTests.StatusRangeAsync(second.Client, location));
    }

    [Fact]
    public async Task UploadState_SignedWithAnotherSecret_IsRefused()
    {
        await using var first = await TestRegistry.StartAsync(configure: options => options.UploadSecret = "one");
        await using var second = await TestRegistry.StartAsync(first.Driver, options => options.UploadSecret = "two");
        var location = await Oci.StartUploadAsync(first.Client, Name);
        using var response = await second.Client.GetAsync(location, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string location)
    {
        var uri = method == "PUT" ? Oci.WithQuery(location, "digest=" + Oci.Sha256([1])) : location;
        var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (method is "PATCH" or "PUT")
        {
            request.Content = Oci.Octets([1]);
        }

        return client.SendAsync(request, Oci.Token);
    }
}
