namespace Speedy.IntegrationTests.Harness;

/// <summary>Assertions over OCI layouts.</summary>
public static class OciAssert
{
    /// <summary>
    /// <paramref name="actualTag"/> in <paramref name="actual"/> is <paramref name="expected"/>'s root, and every blob it reaches
    /// (index, manifests, configs, layers) is present and byte-identical, and hashes to its digest.
    /// </summary>
    public static void SameContent(OciLayout expected, OciDescriptor expectedRoot, OciLayout actual, string actualTag)
    {
        var actualRoot = actual.Resolve(actualTag);
        Assert.Equal(expectedRoot.Digest, actualRoot.Digest);
        Assert.Equal(expectedRoot.Size, actualRoot.Size);
        Assert.Equal(expectedRoot.MediaType, actualRoot.MediaType);

        var expectedBlobs = expected.Closure(expectedRoot);
        var actualBlobs = actual.Closure(actualRoot);
        Assert.Equal(expectedBlobs.Select(d => d.Digest), actualBlobs.Select(d => d.Digest));
        foreach (var descriptor in expectedBlobs)
        {
            var path = actual.BlobPath(descriptor.Digest);
            Assert.True(File.Exists(path), $"{descriptor.MediaType} {descriptor.Digest} is missing from {actual.Path}.");
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(descriptor.Size, bytes.LongLength);
            Assert.Equal(descriptor.Digest, OciLayout.Sha256Digest(bytes));
            Assert.True(
                expected.ReadBlob(descriptor.Digest).AsSpan().SequenceEqual(bytes),
                $"{descriptor.MediaType} {descriptor.Digest} differs from the original.");
        }
    }
}
