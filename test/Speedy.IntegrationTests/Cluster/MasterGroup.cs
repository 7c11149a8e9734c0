namespace Speedy.IntegrationTests.Cluster;

/// <summary>A group as a master's topology lists it: whether it takes new fragments (if not, why), and its members.</summary>
public sealed record MasterGroup(uint Id, bool Writable, string? Reason, IReadOnlyList<MasterMember> Members)
{
    public MasterMember? Member(string url) => Members.FirstOrDefault(m => m.Url == url);
}
