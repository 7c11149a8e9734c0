namespace Speedy.Index.Store;

/// <summary>What <see cref="IIndexStore.AppendAuditAsync"/> writes; <see cref="Time"/> null means the store's clock.</summary>
public sealed record AuditRecord(
    string Actor, string Action, string Target, string Detail = "", string RemoteAddress = "", DateTimeOffset? Time = null);
