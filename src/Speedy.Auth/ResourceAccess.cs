using System.Text.Json;
using Speedy.Registry.Core;

namespace Speedy.Auth;

/// <summary>
/// One entry of Docker's token scope grammar, <c>type:name:action,action</c> (e.g. <c>repository:team/app:pull,push</c>,
/// <c>registry:catalog:*</c>): what a client asks for in <c>scope=</c>, what a registry names in its challenge, and, as
/// a JSON object <c>{"type","name","actions"}</c>, one element of a token's <c>access</c> claim. Parsing is strict:
/// a repository name must be valid per the OCI grammar (no path tricks survive), actions must be known, and a
/// malformed scope is refused rather than read generously.
/// </summary>
public sealed record ResourceAccess
{
    public ResourceAccess(string type, string name, IEnumerable<string> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        Type = type;
        Name = name;
        Actions = [.. actions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary><c>repository</c> or <c>registry</c>.</summary>
    public string Type { get; }

    /// <summary>The repository name, or <c>catalog</c> for the registry type.</summary>
    public string Name { get; }

    /// <summary>Distinct actions in ordinal order.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>Parses one scope; null when it is malformed, names an unknown type or action, or an invalid repository.</summary>
    public static ResourceAccess? Parse(string? scope)
    {
        if (string.IsNullOrEmpty(scope) || scope.Length > 1024)
        {
            return null;
        }

        // The type ends at the first colon and the actions start after the last one; the name is everything between
        // (Docker's grammar lets a name carry a host:port, which the repository grammar below then refuses).
        var first = scope.IndexOf(':', StringComparison.Ordinal);
        var last = scope.LastIndexOf(':');
        if (first <= 0 || last == first)
        {
            return null;
        }

        var type = scope[..first];
        var name = scope[(first + 1)..last];
        var actions = scope[(last + 1)..].Split(',');
        return Create(type, name, actions);
    }

    /// <summary>Reads one element of a token's <c>access</c> claim; null when it is not a valid entry.</summary>
    public static ResourceAccess? FromJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object ||
            !element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String ||
            !element.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String ||
            !element.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var action in actions.EnumerateArray())
        {
            if (action.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            list.Add(action.GetString()!);
        }

        return Create(type.GetString()!, name.GetString()!, list);
    }

    /// <summary>The claim element: <c>{"type": …, "name": …, "actions": […]}</c>, as JsonWebTokenHandler serializes it.</summary>
    public IDictionary<string, object> ToClaim() => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["type"] = Type,
        ["name"] = Name,
        ["actions"] = Actions.ToArray(),
    };

    /// <summary>Whether this entry grants <paramref name="action"/> on the resource (<c>*</c> grants every action).</summary>
    public bool Allows(string type, string name, string action) =>
        string.Equals(Type, type, StringComparison.Ordinal) &&
        string.Equals(Name, name, StringComparison.Ordinal) &&
        (Actions.Contains(action, StringComparer.Ordinal) || Actions.Contains(ResourceActions.All, StringComparer.Ordinal));

    /// <summary>This entry with only the actions also in <paramref name="granted"/> (null when none remain).</summary>
    public ResourceAccess? Intersect(IEnumerable<string> granted)
    {
        var set = granted.ToHashSet(StringComparer.Ordinal);
        var kept = set.Contains(ResourceActions.All) ? Actions : [.. Actions.Where(set.Contains)];
        return kept.Count == 0 ? null : new ResourceAccess(Type, Name, kept);
    }

    public override string ToString() => $"{Type}:{Name}:{string.Join(',', Actions)}";

    private static ResourceAccess? Create(string type, string name, IReadOnlyCollection<string> actions)
    {
        if (actions.Count == 0 || actions.Any(string.IsNullOrEmpty))
        {
            return null;
        }

        switch (type)
        {
            case ResourceTypes.Repository when RepositoryName.IsValid(name) && actions.All(ResourceActions.IsRepositoryAction):
            case ResourceTypes.Registry when name == "catalog" && actions.All(action => action == ResourceActions.All):
                return new ResourceAccess(type, name, actions);
            default:
                return null;
        }
    }
}
