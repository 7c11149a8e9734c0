using System.Text;

namespace Speedy.Testing;

/// <summary>Collects a child process's stdout and stderr lines as they arrive, from any thread.</summary>
public sealed class ProcessOutput
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();

    public void Append(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _text.Append('[').Append(stream).Append("] ").AppendLine(line);
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }
}
