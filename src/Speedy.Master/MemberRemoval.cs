namespace Speedy.Master;

/// <summary>What <c>DELETE /v1/groups/{group}/members?url=</c> did.</summary>
internal enum MemberRemoval
{
    /// <summary>The member was forgotten.</summary>
    Removed,

    /// <summary>The group has no such member.</summary>
    Unknown,

    /// <summary>The member still reports within the heartbeat timeout, so it was kept.</summary>
    StillReporting,
}
