using Speedy.Index.Store;

namespace Speedy.Index.Tokens;

/// <summary>
/// Who a token is for: an account, and when it signed in with a personal access token, that token (whose scopes limit
/// what the account may do).
/// </summary>
public sealed record IndexPrincipal(Account Account, AccessToken? AccessToken = null);
