using Microsoft.AspNetCore.Http;

namespace Speedy.Master;

/// <summary><c>GET /v1/topology</c> and <c>GET /health</c>.</summary>
internal static class TopologyEndpoints
{
    public static IResult Get(Membership membership) =>
        TypedResults.Json(membership.Snapshot(), MasterJsonContext.Default.Topology);

    public static IResult Health(Membership membership)
    {
        var (groups, members) = membership.Count();
        return TypedResults.Json(new MasterHealth("ok", membership.Identity, groups, members), MasterJsonContext.Default.MasterHealth);
    }
}
