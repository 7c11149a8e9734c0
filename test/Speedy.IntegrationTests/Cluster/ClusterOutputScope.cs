namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// Remembers how much each node had printed when it was made; on dispose writes what each printed since to the test
/// output (nodes that joined meanwhile, a replacement say, from their start), so a test's log shows the cluster's side
/// of what it did. The roles log warnings and errors, and a few lifecycle events.
/// </summary>
public sealed class ClusterOutputScope : IDisposable
{
    private readonly Func<IReadOnlyList<ClusterNode>> _nodes;
    private readonly ITestOutputHelper _output;
    private readonly Dictionary<ClusterNode, int> _start = new(ReferenceEqualityComparer.Instance);

    /// <param name="nodes">The nodes now and when the scope ends.</param>
    /// <param name="output">The test's output.</param>
    public ClusterOutputScope(Func<IReadOnlyList<ClusterNode>> nodes, ITestOutputHelper output)
    {
        _nodes = nodes;
        _output = output;
        foreach (var node in nodes())
        {
            _start[node] = node.Output.Length;
        }
    }

    /// <summary>What <paramref name="node"/> printed since the scope began (or since it started, if later).</summary>
    public string Since(ClusterNode node)
    {
        var text = node.Output;
        return _start.TryGetValue(node, out var start) ? text[Math.Min(start, text.Length)..] : text;
    }

    public void Dispose()
    {
        foreach (var node in _nodes())
        {
            var text = Since(node);
            if (text.Length > 0)
            {
                _output.WriteLine($"--- {node} printed ---{Environment.NewLine}{text}");
            }
        }
    }
}
