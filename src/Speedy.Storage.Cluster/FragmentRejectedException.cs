namespace Speedy.Storage.Cluster;

/// <summary>An image server refused a fragment request as malformed (a 4xx other than 408 and 429): retrying cannot help.</summary>
internal sealed class FragmentRejectedException(string message) : Exception(message);
