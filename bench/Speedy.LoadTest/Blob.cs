namespace Speedy.LoadTest;

/// <summary>One blob made by <see cref="RandomData"/>: its length, its digest and a way to read any part of it.</summary>
internal sealed class Blob
{
    private readonly RandomData _data;
    private readonly byte[] _tag;

    public Blob(RandomData data, long length, byte[] tag, byte[] sha256)
    {
        _data = data;
        _tag = tag;
        Length = length;
        Sha256 = sha256;
        Digest = "sha256:" + Convert.ToHexStringLower(sha256);
    }

    public long Length { get; }

    public byte[] Sha256 { get; }

    public string Digest { get; }

    /// <summary>Up to <paramref name="count"/> bytes of the blob from <paramref name="offset"/> (fewer at the pattern's end or the tag).</summary>
    public ReadOnlyMemory<byte> Slice(long offset, int count)
    {
        var tagStart = Length - RandomData.TagBytes;
        return offset < tagStart
            ? _data.Body(offset, (int)Math.Min(count, tagStart - offset))
            : _tag.AsMemory((int)(offset - tagStart), Math.Min(count, (int)(Length - offset)));
    }
}
