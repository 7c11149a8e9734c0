namespace Speedy.Index.Store;

/// <summary>One row of the audit log.</summary>
/// <param name="Id">Increasing with time; pages go by it.</param>
/// <param name="Time">When it happened.</param>
/// <param name="Actor">The account name that acted (as given, for failed logins), or empty.</param>
/// <param name="Action">See <see cref="AuditActions"/>.</param>
/// <param name="Target">What it acted on: a repository, an account, a namespace, a token name.</param>
/// <param name="Detail">Free text: a digest, a role, a reason.</param>
/// <param name="RemoteAddress">The client's address, or empty for in-process events.</param>
public sealed record AuditEntry(
    long Id, DateTimeOffset Time, string Actor, string Action, string Target, string Detail, string RemoteAddress);
