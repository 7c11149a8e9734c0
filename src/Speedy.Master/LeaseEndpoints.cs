using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Speedy.Master;

/// <summary><c>POST /v1/leases/needle-ids?count=N</c>: a range of needle ids no one else gets (see <see cref="NeedleIdLeaser"/>).</summary>
internal static class LeaseEndpoints
{
    public static IResult Post(HttpContext context, NeedleIdLeaser leaser)
    {
        if (!int.TryParse(context.Request.Query["count"], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > NeedleIdLeaser.MaxLease)
        {
            return Error(StatusCodes.Status400BadRequest, $"count must be a number from 1 to {NeedleIdLeaser.MaxLease}");
        }

        if (!leaser.TryLease(count, out var range, out var retryAfter))
        {
            var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Error(StatusCodes.Status503ServiceUnavailable, $"needle ids are leased {retryAfter.TotalMilliseconds:0} ms beyond what this master's clock allows; retry later or ask another master");
        }

        return TypedResults.Json(range, MasterJsonContext.Default.NeedleIdRange);
    }

    private static JsonHttpResult<MasterError> Error(int status, string message) =>
        TypedResults.Json(new MasterError(message), MasterJsonContext.Default.MasterError, statusCode: status);
}
