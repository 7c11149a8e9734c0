namespace Speedy.Index.Web;

/// <summary>The audit actions the web UI adds to the index's (<see cref="Store.AuditActions"/>).</summary>
public static class WebAuditActions
{
    public const string RepositoryDescription = "repository.description";
    public const string OrganizationCreated = "organization.create";
    public const string PasswordChanged = "password.change";
    public const string PasswordReset = "password.reset";
    public const string UserDisabled = "user.disable";
    public const string UserEnabled = "user.enable";
    public const string AdminGranted = "user.admin";
    public const string AdminRevoked = "user.unadmin";
}
