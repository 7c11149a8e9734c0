namespace Speedy.Registry.Core;

/// <summary>
/// A failure the client caused or must be told about, carried to the HTTP layer and written as the spec's
/// error JSON with the status of <see cref="OciErrors"/> (or <see cref="StatusOverride"/>).
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException()
        : this(OciErrorCode.Unknown, null)
    {
    }

    public RegistryException(string message)
        : this(OciErrorCode.Unknown, message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = OciErrorCode.Unknown;
    }

    public RegistryException(OciErrorCode code, string? message, object? detail = null, int? statusOverride = null)
        : base(message ?? OciErrors.Get(code).Message)
    {
        Code = code;
        Detail = detail;
        StatusOverride = statusOverride;
    }

    private RegistryException(OciErrorCode code, string message, Exception innerException, int? statusOverride)
        : base(message, innerException)
    {
        Code = code;
        StatusOverride = statusOverride;
    }

    public OciErrorCode Code { get; }

    /// <summary>Extra structured information for the error's "detail" member.</summary>
    public object? Detail { get; }

    /// <summary>A status other than the table's, where the spec asks for one (e.g. 413 for a huge manifest).</summary>
    public int? StatusOverride { get; }

    public int Status => StatusOverride ?? OciErrors.Get(Code).Status;

    /// <summary>A failure caused by <paramref name="cause"/>, e.g. a request body that could not be read.</summary>
    public static RegistryException WithCause(OciErrorCode code, string message, Exception cause, int? statusOverride = null) =>
        new(code, message, cause, statusOverride);
}
