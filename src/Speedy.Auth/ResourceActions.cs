namespace Speedy.Auth;

/// <summary>The resource types of Docker's token scope grammar that a registry understands.</summary>
public static class ResourceTypes
{
    public const string Repository = "repository";

    /// <summary>Registry-wide resources; only <c>registry:catalog:*</c> exists.</summary>
    public const string Registry = "registry";
}

/// <summary>The actions a token can grant on a resource.</summary>
public static class ResourceActions
{
    public const string Pull = "pull";
    public const string Push = "push";
    public const string Delete = "delete";

    /// <summary>Every action (and the only action of <c>registry:catalog</c>).</summary>
    public const string All = "*";

    public static bool IsRepositoryAction(string action) => action is Pull or Push or Delete or All;
}
