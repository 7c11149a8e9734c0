using System.Text.Json.Serialization;

namespace Speedy.Master;

/// <summary>
/// One group: whether it takes new fragments (and if not, why), its members, the volumes open for writes on every
/// healthy member, and the highest volume id any member has (a new volume takes the next one).
/// </summary>
public sealed record GroupTopology(uint Id, bool Writable, IReadOnlyList<MemberTopology> Members, IReadOnlyList<uint> Volumes, uint HighestVolume)
{
    /// <summary>Why the group is read-only; null when it is writable.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}
