namespace Speedy.Registry.Core;

/// <summary>The one table of OCI errors: code → wire name, HTTP status and message.</summary>
public static class OciErrors
{
    public readonly record struct Entry(string Code, int Status, string Message);

    private static readonly Entry[] s_entries = Build();

    public static Entry Get(OciErrorCode code) => s_entries[(int)code];

    private static Entry[] Build()
    {
        var entries = new Entry[Enum.GetValues<OciErrorCode>().Length];
        entries[(int)OciErrorCode.BlobUnknown] = new("BLOB_UNKNOWN", 404, "blob unknown to registry");
        entries[(int)OciErrorCode.BlobUploadInvalid] = new("BLOB_UPLOAD_INVALID", 400, "blob upload invalid");
        entries[(int)OciErrorCode.BlobUploadUnknown] = new("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry");
        entries[(int)OciErrorCode.DigestInvalid] = new("DIGEST_INVALID", 400, "provided digest did not match uploaded content");
        entries[(int)OciErrorCode.ManifestBlobUnknown] = new("MANIFEST_BLOB_UNKNOWN", 400, "manifest references a manifest or blob unknown to registry");
        entries[(int)OciErrorCode.ManifestInvalid] = new("MANIFEST_INVALID", 400, "manifest invalid");
        entries[(int)OciErrorCode.ManifestUnknown] = new("MANIFEST_UNKNOWN", 404, "manifest unknown to registry");
        entries[(int)OciErrorCode.NameInvalid] = new("NAME_INVALID", 400, "invalid repository name");
        entries[(int)OciErrorCode.NameUnknown] = new("NAME_UNKNOWN", 404, "repository name not known to registry");
        entries[(int)OciErrorCode.SizeInvalid] = new("SIZE_INVALID", 400, "provided length did not match content length");
        entries[(int)OciErrorCode.Unauthorized] = new("UNAUTHORIZED", 401, "authentication required");
        entries[(int)OciErrorCode.Denied] = new("DENIED", 403, "requested access to the resource is denied");
        entries[(int)OciErrorCode.Unsupported] = new("UNSUPPORTED", 405, "the operation is unsupported");
        entries[(int)OciErrorCode.TooManyRequests] = new("TOOMANYREQUESTS", 429, "too many requests");
        entries[(int)OciErrorCode.RangeInvalid] = new("RANGE_INVALID", 416, "invalid content range");
        entries[(int)OciErrorCode.PaginationNumberInvalid] = new("PAGINATION_NUMBER_INVALID", 400, "invalid number of results requested");
        entries[(int)OciErrorCode.TagInvalid] = new("TAG_INVALID", 400, "manifest tag did not match URI");
        entries[(int)OciErrorCode.Unknown] = new("UNKNOWN", 500, "unknown error");
        return entries;
    }
}
