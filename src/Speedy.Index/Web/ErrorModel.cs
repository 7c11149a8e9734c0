namespace Speedy.Index.Web;

/// <summary>What the error page shows: the status, a title and a sentence saying what to do.</summary>
public sealed record ErrorModel(int Status, string Title, string Message);
