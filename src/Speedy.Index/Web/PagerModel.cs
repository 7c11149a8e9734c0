namespace Speedy.Index.Web;

/// <summary>Previous and next links of a numbered listing.</summary>
/// <param name="Current">The page shown, from 1.</param>
/// <param name="Count">How many pages there are.</param>
/// <param name="Link">The URL of a page number.</param>
public sealed record PagerModel(int Current, int Count, Func<int, string> Link)
{
    /// <summary>
    /// The offset of page <paramref name="pageNumber"/> (from 1) of <paramref name="pageSize"/> rows, held below
    /// <see cref="int.MaxValue"/> so that a huge page number in a URL shows an empty page rather than overflowing.
    /// </summary>
    public static int Offset(int pageNumber, int pageSize) =>
        (int)Math.Min(int.MaxValue - pageSize, (long)(pageNumber - 1) * pageSize);
}
