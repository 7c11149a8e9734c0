namespace Speedy.Volume;

/// <summary>Why a volume takes no more needles.</summary>
public enum SealReason
{
    /// <summary>Not sealed.</summary>
    None,

    /// <summary>The next needle did not fit in the configured size.</summary>
    Full,

    /// <summary>The filesystem ran out of space (ENOSPC or EDQUOT) while writing.</summary>
    DiskFull,

    /// <summary>A write or sync failed with an I/O error, or recovery from one failed.</summary>
    IOError,

    /// <summary>Someone called <see cref="NeedleVolume.SealAsync"/>.</summary>
    Requested,
}
