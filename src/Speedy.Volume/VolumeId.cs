using System.Globalization;

namespace Speedy.Volume;

/// <summary>The id of a volume, unique within its group.</summary>
public readonly record struct VolumeId(uint Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
