namespace Speedy.Index.Web;

/// <summary>Previous and next links of a numbered listing.</summary>
/// <param name="Current">The page shown, from 1.</param>
/// <param name="Count">How many pages there are.</param>
/// <param name="Link">The URL of a page number.</param>
public sealed record PagerModel(int Current, int Count, Func<int, string> Link);
