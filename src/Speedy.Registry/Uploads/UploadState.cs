namespace Speedy.Registry.Uploads;

/// <summary>
/// What a replica needs to continue an upload session another replica started: how many bytes were hashed
/// and the exported hash state at that point (<see cref="Core.Hashing.ResumableHash.ExportState"/>).
/// </summary>
internal sealed record UploadState(DateTimeOffset StartedAt, long Offset, byte[] HashState);
