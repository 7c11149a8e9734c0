using System.Globalization;

namespace Speedy.Volume;

/// <summary>The id of a group: the chunk servers that hold the same volumes.</summary>
public readonly record struct GroupId(uint Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
