namespace Speedy.Registry.Core;

/// <summary>
/// The error codes of the OCI Distribution Specification ("Error Codes") and the extra ones Docker's
/// Registry HTTP API V2 defines. <see cref="OciErrors"/> maps each to its HTTP status and message.
/// </summary>
public enum OciErrorCode
{
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    TooManyRequests,
    RangeInvalid,
    PaginationNumberInvalid,
    TagInvalid,
    Unknown,
}
