using System.Globalization;

namespace Speedy.Volume;

/// <summary>The id of a needle within a volume, leased from the master. Its string form is lower-case hex.</summary>
public readonly record struct NeedleId(ulong Value)
{
    public override string ToString() => Value.ToString("x", CultureInfo.InvariantCulture);
}
