namespace Speedy.LoadTest;

/// <summary>
/// The blobs that are the same on every run (same bytes, same digests): the tag stream of <see cref="RandomData"/>
/// they are made with. A run's fresh blobs use a random stream with the top bit set, so the two never meet.
/// </summary>
internal enum Fixture : ulong
{
    PullBlob = 1,
    ImageLayer = 2,
    ManifestLayer = 3,
}
