using System.Buffers;
using Microsoft.AspNetCore.Http;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// <c>POST /needles</c> (the server picks the file id), <c>PUT /needles/{fid}</c> (a peer or image server picks it,
/// so every replica of a group stores the needle under the same id), <c>GET</c>/<c>HEAD</c> with a single byte
/// range, and <c>DELETE</c>. While the server is syncing (a replacement copying its group's volumes) every one of them
/// answers 503.
/// </summary>
internal static partial class NeedleEndpoints
{
    /// <summary>
    /// Marks a read made by a peer's repair: a corrupt record answers 500 as always but is not reported here, so two
    /// replicas rotten at the same needle do not set off each other's repairs without end.
    /// </summary>
    public const string RepairReadHeader = "X-Speedy-Repair-Read";

    /// <summary>How many volumes a POST tries when the one it was given fills (or is sealed) before its needle is reserved.</summary>
    private const int PostAttempts = 8;

    public static async Task<IResult> PostAsync(HttpContext context, VolumeSet volumes)
    {
        volumes.ThrowIfSyncing();
        var length = RequireLength(context.Request);
        for (var attempt = 1; ; attempt++)
        {
            var (fileId, volume) = volumes.Assign(length);
            try
            {
                await volume.AppendAsync(fileId.Needle, fileId.Cookie, length, context.Request.Body, context.RequestAborted);
                return Written(fileId, length);
            }
            catch (VolumeSealedException ex) when (ex.Reason is SealReason.Full or SealReason.Requested && attempt < PostAttempts)
            {
                // The volume filled up, or was sealed, before this needle's space was reserved: nothing of the body
                // was read, so it goes to another volume.
            }
        }
    }

    public static async Task<IResult> PutAsync(HttpContext context, VolumeSet volumes, ChunkServerOptions options, IHttpClientFactory clients, string fid)
    {
        volumes.ThrowIfSyncing();
        var fileId = ParseFileId(fid);
        var length = RequireLength(context.Request);
        var chain = ParseChain(context.Request);
        var volume = volumes.GetOrCreate(fileId, length);
        if (chain is not null)
        {
            return await PutChainedAsync(context, clients.CreateClient(ReplicationClient), options.EffectivePublicUrl, fileId, volume, length, chain);
        }

        await volume.AppendAsync(fileId.Needle, fileId.Cookie, length, context.Request.Body, context.RequestAborted);
        return Written(fileId, length);
    }

    /// <summary>
    /// Serves a needle. The whole record is always read and its CRC-32C checked, also for a range request (a
    /// needle is one fragment, a few MiB at most), so corruption is never served; ASP.NET Core's range handling
    /// then answers 206/416. A record that fails its checks answers 500 and is handed to the repairer (unless a
    /// peer's repair is reading: <see cref="RepairReadHeader"/>).
    /// </summary>
    public static async Task GetAsync(HttpContext context, VolumeSet volumes, NeedleRepairer repairer, string fid)
    {
        volumes.ThrowIfSyncing();
        var fileId = ParseFileId(fid);
        try
        {
            await ServeAsync(context, volumes, fileId, fid);
        }
        catch (VolumeCorruptionException ex) when (!context.Request.Headers.ContainsKey(RepairReadHeader))
        {
            repairer.Report(fileId, ex.Message);
            throw;
        }
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, VolumeSet volumes, string fid)
    {
        volumes.ThrowIfSyncing();
        var fileId = ParseFileId(fid);
        var volume = volumes.Find(fileId.Volume);
        if (volume is null || !await volume.DeleteAsync(fileId.Needle, fileId.Cookie, context.RequestAborted))
        {
            return ChunkResults.Error(StatusCodes.Status404NotFound, $"needle {fid} not found");
        }

        return Results.NoContent();
    }

    private static async Task ServeAsync(HttpContext context, VolumeSet volumes, FileId fileId, string fid)
    {
        var volume = volumes.Find(fileId.Volume);
        if (volume is null || !volume.TryGetLength(fileId.Needle, fileId.Cookie, out var length))
        {
            await ChunkResults.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, $"needle {fid} not found");
            return;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentLength = length;
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.AcceptRanges = "bytes";
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            if (!volume.TryRead(fileId.Needle, fileId.Cookie, buffer, out var read))
            {
                await ChunkResults.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, $"needle {fid} not found");
                return;
            }

            await Results.Bytes(buffer.AsMemory(0, read), "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(context);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static FileId ParseFileId(string fid) =>
        FileId.TryParse(fid, out var fileId) ? fileId : throw new ChunkRequestException(StatusCodes.Status400BadRequest, $"invalid file id \"{fid}\"");

    private static long RequireLength(HttpRequest request) => request.ContentLength switch
    {
        null => throw new ChunkRequestException(StatusCodes.Status411LengthRequired, "a needle write needs a Content-Length"),
        < 0 => throw new ChunkRequestException(StatusCodes.Status400BadRequest, "the Content-Length is negative"),
        var length => length.Value,
    };

    private static IResult Written(FileId fileId, long length, uint? crc = null)
    {
        var fid = fileId.ToString();
        return Results.Created($"/needles/{fid}", new NeedleWritten(fid, length) { Crc = crc });
    }
}
