namespace Speedy.ImageServer;

/// <summary>
/// The answer to <c>PUT /v1/fragments</c>: where the fragment lives, its size and CRC-32C, the group that holds it,
/// and the caller's index and offset echoed back, for the caller to record in the meta server.
/// </summary>
public sealed record FragmentStored(string Fid, long Size, uint Crc, uint Group, long? Index, long? Offset);

/// <summary>An error answer: <c>{"error": "..."}</c>.</summary>
public sealed record ImageError(string Error);

/// <summary>A chunk server's answer to a needle write (its <c>NeedleWritten</c>).</summary>
internal sealed record ChunkNeedleWritten(string Fid, long Size, uint? Crc);

/// <summary>A chunk server's error answer.</summary>
internal sealed record ChunkErrorBody(string Error);
