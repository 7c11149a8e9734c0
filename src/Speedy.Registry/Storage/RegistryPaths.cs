using Speedy.Registry.Core;

namespace Speedy.Registry.Storage;

/// <summary>
/// Where the registry keeps everything in a storage driver. Blobs are content-addressed and shared by all
/// repositories; a repository holds links to the blobs and manifests it may serve.
/// <code>
/// /blobs/&lt;alg&gt;/&lt;hex[0:2]&gt;/&lt;hex&gt;/data                           blob and manifest bytes
/// /repositories/&lt;name&gt;/_layers/&lt;alg&gt;/&lt;hex&gt;/link                 the repository may serve this blob
/// /repositories/&lt;name&gt;/_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link     a manifest of the repository: "digest\nmediaType"
/// /repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;/current/link        the digest the tag points at
/// /repositories/&lt;name&gt;/_referrers/&lt;alg&gt;/&lt;hex&gt;/&lt;alg&gt;-&lt;hex&gt;       descriptor JSON of a manifest whose subject is alg:hex
/// /repositories/&lt;name&gt;/_uploads/&lt;id&gt;/data                         bytes of an upload session
/// /repositories/&lt;name&gt;/_uploads/&lt;id&gt;/state                        the session's offset and exported hash state
/// /catalog/&lt;name with '/' written as '+'&gt;                         one empty marker per repository: the catalog is one listing
/// /secrets/&lt;random&gt;                                             keys that sign upload locations, shared by replicas
/// </code>
/// Repository name components never start with "_", so the "_" directories never collide with a name.
/// </summary>
internal static class RegistryPaths
{
    public const string CatalogRoot = "/catalog";
    public const string SecretsRoot = "/secrets";

    public static string Blob(Digest digest) => $"/blobs/{digest.AlgorithmName}/{digest.Hex.AsSpan(0, 2)}/{digest.Hex}/data";

    public static string Repository(string name) => $"/repositories/{name}";

    public static string LayerLink(string name, Digest digest) => $"/repositories/{name}/_layers/{digest.AlgorithmName}/{digest.Hex}/link";

    public static string ManifestRevisionLink(string name, Digest digest) =>
        $"/repositories/{name}/_manifests/revisions/{digest.AlgorithmName}/{digest.Hex}/link";

    public static string Tags(string name) => $"/repositories/{name}/_manifests/tags";

    public static string Tag(string name, string tag) => $"/repositories/{name}/_manifests/tags/{tag}";

    public static string TagCurrentLink(string name, string tag) => $"/repositories/{name}/_manifests/tags/{tag}/current/link";

    public static string Referrers(string name, Digest subject) => $"/repositories/{name}/_referrers/{subject.AlgorithmName}/{subject.Hex}";

    public static string Referrer(string name, Digest subject, Digest referrer) =>
        $"/repositories/{name}/_referrers/{subject.AlgorithmName}/{subject.Hex}/{referrer.AlgorithmName}-{referrer.Hex}";

    public static string Upload(string name, string id) => $"/repositories/{name}/_uploads/{id}";

    public static string UploadData(string name, string id) => $"/repositories/{name}/_uploads/{id}/data";

    public static string UploadState(string name, string id) => $"/repositories/{name}/_uploads/{id}/state";

    public static string CatalogEntry(string name) => $"{CatalogRoot}/{name.Replace('/', '+')}";

    public static string NameFromCatalogEntry(string path) => path[(path.LastIndexOf('/') + 1)..].Replace('+', '/');

    public static string LastSegment(string path) => path[(path.LastIndexOf('/') + 1)..];
}
