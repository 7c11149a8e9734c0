using System.Runtime.InteropServices;

namespace Speedy.Storage.Filesystem;

/// <summary>
/// <c>struct flock</c> as 64-bit Linux lays it out (x86-64 and arm64 alike): the argument of
/// <c>fcntl(F_OFD_SETLK)</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FileLockRecord
{
    /// <summary><c>l_type</c>: F_RDLCK, F_WRLCK or F_UNLCK.</summary>
    public short Type;

    /// <summary><c>l_whence</c>: what <see cref="Start"/> counts from.</summary>
    public short Whence;

    /// <summary><c>l_start</c>: the first byte locked.</summary>
    public long Start;

    /// <summary><c>l_len</c>: how many bytes; 0 locks to the end of the file, however far it grows.</summary>
    public long Length;

    /// <summary><c>l_pid</c>: must be 0 for open file description locks.</summary>
    public int ProcessId;
}
