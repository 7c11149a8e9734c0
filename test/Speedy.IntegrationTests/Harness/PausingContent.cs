using System.Net;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// A request body sent in two halves: after the first it signals <see cref="FirstHalfSent"/> and waits for
/// <c>resume</c> (at most <c>maxPause</c>), so a test can keep two uploads in flight at the same moment.
/// </summary>
public sealed class PausingContent(byte[] bytes, Task resume, TimeSpan maxPause) : HttpContent
{
    private readonly TaskCompletionSource _firstHalfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task FirstHalfSent => _firstHalfSent.Task;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var half = bytes.Length / 2;
        await stream.WriteAsync(bytes.AsMemory(0, half));
        await stream.FlushAsync();
        _firstHalfSent.TrySetResult();
        try
        {
            await resume.WaitAsync(maxPause);
        }
        catch (TimeoutException)
        {
            // The other request never got going (refused before its body was read, say): finish anyway.
        }

        await stream.WriteAsync(bytes.AsMemory(half));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = bytes.Length;
        return true;
    }
}
