namespace Speedy.Volume;

/// <summary>The volume takes no more needles; <see cref="Reason"/> says why. Reads are still served.</summary>
public class VolumeSealedException : IOException
{
    public VolumeSealedException()
    {
    }

    public VolumeSealedException(string message)
        : base(message)
    {
    }

    public VolumeSealedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public VolumeSealedException(VolumeId volume, SealReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Volume = volume;
        Reason = reason;
    }

    public VolumeId Volume { get; }

    public SealReason Reason { get; }
}
