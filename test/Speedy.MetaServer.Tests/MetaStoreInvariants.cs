namespace Speedy.MetaServer.Tests;

/// <summary>
/// The invariants of the stored rows, checked after every conformance test: every node's parent directory exists,
/// every directory has something under it, each kind carries what it should, and every fragment belongs to a
/// fragmented file (no fragment outlives its file).
/// </summary>
internal static class MetaStoreInvariants
{
    public static IReadOnlyList<string> Check(MetaStoreDump dump)
    {
        var problems = new List<string>();
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var parentsInUse = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<(string, string)>();
        var byId = new Dictionary<long, StoredNode>();
        foreach (var node in dump.Nodes)
        {
            var path = MetaPath.Join(node.Parent, node.Name);
            if (!keys.Add((node.Parent, node.Name)) || !byId.TryAdd(node.Id, node))
            {
                problems.Add($"{path}: stored twice");
            }

            if (node.Name.Length == 0 || node.Name.Contains('/', StringComparison.Ordinal))
            {
                problems.Add($"{path}: invalid name \"{node.Name}\"");
            }

            parentsInUse.Add(node.Parent);
            switch (node.Kind)
            {
                case NodeKind.Directory:
                    directories.Add(path);
                    if (node.HasContent || node.Size != 0)
                    {
                        problems.Add($"{path}: a directory with content or a size");
                    }

                    break;
                case NodeKind.Inline when !node.HasContent:
                    problems.Add($"{path}: an inline file without content");
                    break;
                case NodeKind.Fragmented when node.HasContent:
                    problems.Add($"{path}: a fragmented file with inline content");
                    break;
                case NodeKind.Inline or NodeKind.Fragmented:
                    break;
                default:
                    problems.Add($"{path}: unknown kind {node.Kind}");
                    break;
            }
        }

        foreach (var node in dump.Nodes)
        {
            if (node.Parent != MetaPath.Root && !directories.Contains(node.Parent))
            {
                problems.Add($"{MetaPath.Join(node.Parent, node.Name)}: its parent directory has no row");
            }
        }

        foreach (var directory in directories)
        {
            if (!parentsInUse.Contains(directory))
            {
                problems.Add($"{directory}: an empty directory was left behind");
            }
        }

        foreach (var fragment in dump.Fragments)
        {
            if (!byId.TryGetValue(fragment.Node, out var owner) || owner.Kind != NodeKind.Fragmented)
            {
                problems.Add($"fragment {fragment.Index} of node {fragment.Node}: its file is gone or not fragmented");
            }
        }

        return problems;
    }
}
