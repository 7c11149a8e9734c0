using System.Diagnostics.CodeAnalysis;
using Speedy.Registry.Core;

namespace Speedy.Index.Web;

/// <summary>A repository and a tag or a digest, written as docker writes them: <c>team/app:v1</c>, <c>team/app@sha256:…</c>.</summary>
public sealed record ImageReference(string Repository, string? Tag, Digest? Digest)
{
    /// <summary>The tag or the digest, as the registry's manifest endpoint takes it.</summary>
    public string Reference => Tag ?? Digest.ToString()!;

    public override string ToString() => Tag is not null ? $"{Repository}:{Tag}" : $"{Repository}@{Digest}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (RepositoryName.IsValid(text.AsSpan(0, at)) && global::Speedy.Registry.Core.Digest.TryParse(text[(at + 1)..], out var digest))
            {
                reference = new ImageReference(text[..at], null, digest);
            }

            return reference is not null;
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && colon > text.LastIndexOf('/') && RepositoryName.IsValid(text.AsSpan(0, colon)) && RepositoryName.IsValidTag(text.AsSpan(colon + 1)))
        {
            reference = new ImageReference(text[..colon], text[(colon + 1)..], null);
        }

        return reference is not null;
    }
}
