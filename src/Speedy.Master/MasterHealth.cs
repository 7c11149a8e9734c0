namespace Speedy.Master;

/// <summary><c>GET /health</c>: the master is up, who it is, and how many members and groups it knows.</summary>
public sealed record MasterHealth(string Status, MasterIdentity Master, int Groups, int Members);
