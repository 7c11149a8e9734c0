namespace Speedy.IntegrationTests.Harness;

/// <summary>An OCI content descriptor as found in an index or manifest, with the platform when it has one.</summary>
public sealed record OciDescriptor(string MediaType, string Digest, long Size, string? Architecture = null, string? Os = null);
