namespace Speedy.Index.Store;

/// <summary>The actions the index writes to the audit log (the UI may add its own in the same style).</summary>
public static class AuditActions
{
    public const string LoginSucceeded = "login.ok";
    public const string LoginFailed = "login.failed";
    public const string LoginLocked = "login.locked";
    public const string Push = "push";
    public const string Delete = "delete";
    public const string UserCreated = "user.create";
    public const string MemberSet = "member.set";
    public const string MemberRemoved = "member.remove";
    public const string TokenCreated = "token.create";
    public const string TokenRevoked = "token.revoke";
    public const string RobotCreated = "robot.create";
    public const string RobotDeleted = "robot.delete";
    public const string RefreshTokenRevoked = "refresh.revoke";
    public const string RepositoryVisibility = "repository.visibility";
}
