namespace Speedy.IntegrationTests.Harness;

/// <summary>An image that <see cref="OciImageBuilder"/> made: where it is, its manifest, and the files its layers add.</summary>
public sealed record BuiltImage(
    OciLayout Layout,
    string Tag,
    OciDescriptor Manifest,
    IReadOnlyDictionary<string, byte[]> Files)
{
    public string Reference => Layout.Reference(Tag);
}
