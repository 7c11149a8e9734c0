using Speedy.Auth;

namespace Speedy.Index.Web.Registry;

/// <summary>
/// Signs a bearer token the registry accepts, for <paramref name="subject"/> with <paramref name="access"/>: the index
/// signs its own tokens to read and delete in the registry on the UI's behalf. Registered by the index's hosting over
/// its token issuer; without one, requests to the registry carry no credentials (a registry without auth).
/// </summary>
public delegate string RegistryTokenFactory(string subject, IReadOnlyList<ResourceAccess> access);
