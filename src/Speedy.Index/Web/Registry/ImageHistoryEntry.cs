namespace Speedy.Index.Web.Registry;

/// <summary>One step of an image's history: the command that made a layer (or, when empty, only changed the config).</summary>
public sealed record ImageHistoryEntry(DateTimeOffset? Created, string CreatedBy, string Comment, bool EmptyLayer);
