namespace Speedy.Registry.Http;

/// <summary>The resource a <c>/v2/</c> path names.</summary>
internal enum RouteKind
{
    Base,
    Catalog,
    Tags,
    Manifest,
    Blob,
    UploadStart,
    Upload,
    Referrers,
}
