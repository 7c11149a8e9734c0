namespace Speedy.MetaServer;

/// <summary>The routes, query parameters, headers and media types the meta server and <see cref="MetaClient"/> share.</summary>
internal static class MetaProtocol
{
    public const string EntryRoute = "/v1/meta";
    public const string ListRoute = "/v1/meta/list";
    public const string FragmentsRoute = "/v1/meta/fragments";
    public const string MoveRoute = "/v1/meta/move";
    public const string HealthRoute = "/health";

    public const string PathParameter = "path";
    public const string StartAfterParameter = "startAfter";
    public const string LimitParameter = "limit";

    /// <summary>The page size of a listing that names none.</summary>
    public const int DefaultListLimit = 1000;

    /// <summary>Answer to HEAD: <c>file</c> or <c>directory</c>.</summary>
    public const string KindHeader = "Speedy-Kind";

    /// <summary>Answer to HEAD: the size in bytes.</summary>
    public const string SizeHeader = "Speedy-Size";

    /// <summary>Answer to HEAD: the modification time, microseconds since the Unix epoch (UTC).</summary>
    public const string ModifiedHeader = "Speedy-Modified";

    public const string FileKind = "file";
    public const string DirectoryKind = "directory";

    public const string OctetStream = "application/octet-stream";
    public const string Json = "application/json";

    /// <summary>
    /// The largest JSON body (a fragment list): 64 MiB holds some 500,000 fragments, a 2 TiB file in 4 MiB
    /// fragments.
    /// </summary>
    public const long MaxJsonBodyBytes = 64L << 20;
}
