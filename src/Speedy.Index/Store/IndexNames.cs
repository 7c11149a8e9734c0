using Speedy.Registry.Core;

namespace Speedy.Index.Store;

/// <summary>The names the index accepts for users, organizations, robots and tokens.</summary>
public static class IndexNames
{
    /// <summary>The prefix of every robot account name.</summary>
    public const string RobotPrefix = "robot$";

    /// <summary>
    /// A user or organization name: one repository name component (lower-case letters and digits, joined by ".",
    /// "_", "__" or "-"), at most <see cref="IndexLimits.MaxNameLength"/> characters, so it can head a repository name.
    /// </summary>
    public static bool IsValidNamespace(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= IndexLimits.MaxNameLength && RepositoryName.IsValidComponent(name);

    /// <summary><c>robot$namespace+name</c>.</summary>
    public static string Robot(string namespaceName, string name) => $"{RobotPrefix}{namespaceName}+{name}";

    /// <summary>Splits a robot account name into its namespace and short name.</summary>
    public static bool TrySplitRobot(string? accountName, out string namespaceName, out string name)
    {
        namespaceName = string.Empty;
        name = string.Empty;
        if (accountName is null || !accountName.StartsWith(RobotPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = accountName[RobotPrefix.Length..];
        var plus = rest.IndexOf('+', StringComparison.Ordinal);
        if (plus <= 0 || !IsValidNamespace(rest[..plus]) || !IsValidNamespace(rest[(plus + 1)..]))
        {
            return false;
        }

        namespaceName = rest[..plus];
        name = rest[(plus + 1)..];
        return true;
    }

    /// <summary>A token's display name: 1 to 64 printable characters.</summary>
    public static bool IsValidTokenName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= IndexLimits.MaxNameLength && !name.Any(char.IsControl);

    /// <summary>
    /// The namespace of a repository name: its first path component, or empty for a one-component name (such as
    /// <c>alpine</c>), which belongs to no namespace and so only to administrators.
    /// </summary>
    public static string NamespaceOf(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : repository[..slash];
    }
}
