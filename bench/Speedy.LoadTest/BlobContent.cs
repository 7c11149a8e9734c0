using System.Net;

namespace Speedy.LoadTest;

/// <summary>A request body of bytes [<c>offset</c>, <c>offset + length</c>) of a blob, written straight from memory.</summary>
internal sealed class BlobContent : HttpContent
{
    private const int WriteBytes = 1 << 20;

    private readonly Blob _blob;
    private readonly long _offset;
    private readonly long _length;
    private readonly StepRecorder _recorder;

    public BlobContent(Blob blob, long offset, long length, StepRecorder recorder)
    {
        _blob = blob;
        _offset = offset;
        _length = length;
        _recorder = recorder;
        Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var end = _offset + _length;
        for (var position = _offset; position < end;)
        {
            var slice = _blob.Slice(position, (int)Math.Min(WriteBytes, end - position));
            await stream.WriteAsync(slice, cancellationToken);
            position += slice.Length;
            _recorder.AddBytes(slice.Length);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
