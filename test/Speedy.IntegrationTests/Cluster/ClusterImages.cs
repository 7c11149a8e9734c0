using Speedy.IntegrationTests.Harness;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>Real OCI images (umoci, offline) pushed to and pulled from the cluster's registries with skopeo.</summary>
public static class ClusterImages
{
    public const string Tag = "v1";

    /// <summary>
    /// <paramref name="count"/> distinct single-platform images, each in a layout of its own under
    /// <paramref name="directory"/>, each with one layer of random bytes per entry of <paramref name="layerSizes"/>(i).
    /// umoci locks a layout, so separate layouts let two builds run at once.
    /// </summary>
    public static async Task<IReadOnlyList<BuiltImage>> BuildAsync(
        string directory, int count, Func<int, int[]> layerSizes, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var images = new BuiltImage[count];
        await Parallel.ForAsync(
            0,
            count,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (i, token) => images[i] = await OciImageBuilder.BuildAsync(
                Path.Combine(directory, $"image-{i}"), Tag, "amd64", layerSizes(i), output, token));
        return images;
    }

    /// <summary>The layer blobs of <paramref name="image"/> (what the registry stores as fragments), in manifest order.</summary>
    public static IReadOnlyList<OciDescriptor> Layers(BuiltImage image) =>
        [.. image.Layout.Closure(image.Manifest).Skip(2)];

    /// <summary>
    /// The fragments of <paramref name="image"/>'s layers (the registries cut blobs at multiples of
    /// <see cref="SpeedyCluster.FragmentBytes"/>) that <paramref name="chunkServer"/>'s volume files hold, found by their
    /// first 4 KiB.
    /// </summary>
    public static IReadOnlyList<(byte[] Fragment, StoredNeedle Needle)> StoredFragments(ClusterNode chunkServer, BuiltImage image)
    {
        var directory = chunkServer.VolumeDirectory ?? throw new ArgumentException($"{chunkServer} is not a chunk server.", nameof(chunkServer));
        var found = new List<(byte[], StoredNeedle)>();
        foreach (var layer in Layers(image))
        {
            var blob = image.Layout.ReadBlob(layer.Digest);
            for (var offset = 0; offset + 4096 <= blob.Length; offset += SpeedyCluster.FragmentBytes)
            {
                var fragment = blob.AsSpan(offset, Math.Min(SpeedyCluster.FragmentBytes, blob.Length - offset)).ToArray();
                foreach (var needle in StoredNeedle.FindByDataPrefix(directory, fragment.AsSpan(0, 4096)))
                {
                    found.Add((fragment, needle));
                }
            }
        }

        return found;
    }

    /// <summary><c>skopeo copy</c> of the image into <paramref name="registry"/> as <c>REPOSITORY:v1</c>; fails the test unless it exits 0.</summary>
    public static Task<SkopeoCopy> PushAsync(
        BuiltImage image, ClusterNode registry, string repository, ITestOutputHelper output, CancellationToken cancellationToken, int retryTimes = 0) =>
        CopyAsync(image.Reference, $"docker://{registry.Authority}/{repository}:{Tag}", ["--dest-tls-verify=false"], retryTimes, output, cancellationToken);

    /// <summary>
    /// <c>skopeo copy</c> of <c>REPOSITORY:v1</c> from <paramref name="registry"/> into a new layout at
    /// <paramref name="into"/>, then every blob compared with <paramref name="image"/>'s, byte for byte.
    /// </summary>
    public static async Task<SkopeoCopy> PullAndCompareAsync(
        BuiltImage image, ClusterNode registry, string repository, string into, ITestOutputHelper output, CancellationToken cancellationToken, int retryTimes = 0)
    {
        var pulled = new OciLayout(into);
        var copy = await CopyAsync(
            $"docker://{registry.Authority}/{repository}:{Tag}", pulled.Reference(Tag), ["--src-tls-verify=false"], retryTimes, output, cancellationToken);
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, Tag);
        return copy;
    }

    private static async Task<SkopeoCopy> CopyAsync(
        string source, string destination, string[] tls, int retryTimes, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        string[] retry = retryTimes > 0 ? ["--retry-times", retryTimes.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        var result = await Skopeo.RunAsync(["copy", .. tls, .. retry, source, destination], output, cancellationToken);
        return new SkopeoCopy(source, destination, result.EnsureSuccess());
    }
}
