namespace Speedy.Index.Store;

/// <summary>
/// One right of a robot account: <paramref name="Repository"/> is a repository path inside the robot's namespace
/// (<c>app</c> for <c>ns/app</c>, <c>team/app</c> for <c>ns/team/app</c>) or <c>*</c> for every repository of the
/// namespace; <paramref name="Actions"/> are <c>pull</c>, <c>push</c>, <c>delete</c>.
/// </summary>
public sealed record RobotRight(string Repository, IReadOnlyList<string> Actions)
{
    /// <summary>The repository value that stands for every repository of the namespace.</summary>
    public const string AnyRepository = "*";
}
