namespace Speedy.Volume;

/// <summary>
/// The append did not fit: in the volume's configured size (<see cref="SealReason.Full"/>) or on the filesystem
/// (<see cref="SealReason.DiskFull"/>). The append was not stored, and the volume is now sealed.
/// </summary>
public class VolumeFullException : VolumeSealedException
{
    public VolumeFullException()
    {
    }

    public VolumeFullException(string message)
        : base(message)
    {
    }

    public VolumeFullException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public VolumeFullException(VolumeId volume, SealReason reason, string message, Exception? innerException = null)
        : base(volume, reason, message, innerException)
    {
    }
}
