using System.Security.Cryptography;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// Builds real OCI images offline with `umoci`: an empty image, its platform set with `umoci config`, then one
/// `umoci insert` per layer, each adding a file of random bytes (so every image and layer is unique).
/// </summary>
public static class OciImageBuilder
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    /// <summary>Creates the layout if needed and adds image <paramref name="tag"/> with one layer per entry of <paramref name="layerSizes"/>.</summary>
    public static async Task<BuiltImage> BuildAsync(
        string layoutPath,
        string tag,
        string architecture,
        IReadOnlyList<int> layerSizes,
        ITestOutputHelper output,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(layoutPath, "index.json")))
        {
            await UmociAsync(["init", "--layout", layoutPath], output, cancellationToken);
        }

        var image = $"{layoutPath}:{tag}";
        await UmociAsync(["new", "--image", image], output, cancellationToken);
        await UmociAsync(["config", "--image", image, "--architecture", architecture, "--os", "linux"], output, cancellationToken);

        var staging = Directory.CreateDirectory($"{layoutPath}.staging-{tag}").FullName;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            for (var layer = 0; layer < layerSizes.Count; layer++)
            {
                var content = RandomNumberGenerator.GetBytes(layerSizes[layer]);
                var source = Path.Combine(staging, $"layer-{layer}.bin");
                await File.WriteAllBytesAsync(source, content, cancellationToken);
                var target = $"/speedy/{tag}/layer-{layer}.bin";
                await UmociAsync(["insert", "--image", image, source, target], output, cancellationToken);
                files.Add(target, content);
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }

        // Every umoci step above wrote a new manifest and config; drop the ones nothing references any more.
        await UmociAsync(["gc", "--layout", layoutPath], output, cancellationToken);

        var layout = new OciLayout(layoutPath);
        var manifest = layout.Resolve(tag) with { Architecture = architecture, Os = "linux" };
        return new BuiltImage(layout, tag, manifest, files);
    }

    private static async Task UmociAsync(string[] arguments, ITestOutputHelper output, CancellationToken cancellationToken) =>
        (await ExternalCommand.RunAsync(
            "umoci", arguments, new CommandOptions { Output = output, Timeout = s_timeout }, cancellationToken)).EnsureSuccess();
}
