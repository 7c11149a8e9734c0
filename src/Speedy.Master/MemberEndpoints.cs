using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Speedy.Master;

/// <summary>
/// <c>DELETE /v1/groups/{group}/members?url=URL</c>: an operator removes a member that stopped reporting and will not
/// come back, so its group stops waiting for it (204). 404 when the group has no such member; 409 while it still
/// reports within the heartbeat timeout (stop it first: its next heartbeat would bring it back). Masters keep soft
/// state, so send it to each master; a replacement started with <c>--replace</c> does this by itself.
/// </summary>
internal static class MemberEndpoints
{
    public static IResult Delete(HttpContext context, Membership membership, uint group)
    {
        var url = context.Request.Query["url"].ToString().TrimEnd('/');
        if (url.Length == 0)
        {
            return Error(StatusCodes.Status400BadRequest, "name the member to remove: ?url=http://host:port");
        }

        return membership.Remove(group, url) switch
        {
            MemberRemoval.Removed => TypedResults.NoContent(),
            MemberRemoval.StillReporting => Error(StatusCodes.Status409Conflict, $"member {url} of group {group} still reports; stop it before removing it"),
            _ => Error(StatusCodes.Status404NotFound, $"group {group} has no member {url}"),
        };
    }

    private static JsonHttpResult<MasterError> Error(int status, string message) =>
        TypedResults.Json(new MasterError(message), MasterJsonContext.Default.MasterError, statusCode: status);
}
