using Speedy.Registry.Core.Manifests;

namespace Speedy.Index.Web;

/// <summary>One entry of an image index, with the size of the image it names (null when it was not read).</summary>
public sealed record PlatformEntry(Descriptor Descriptor, long? Size);
