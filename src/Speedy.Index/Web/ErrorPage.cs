using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Speedy.Index.Web;

/// <summary>Every error the UI answers is this page, with the layout, the status code and a sentence saying why.</summary>
internal static class ErrorPage
{
    public const string ViewPath = "/Pages/Shared/_Error.cshtml";

    public static IActionResult Create(int status, string title, string message) => new PartialViewResult
    {
        ViewName = ViewPath,
        StatusCode = status,
        ViewData = new ViewDataDictionary(new EmptyModelMetadataProvider(), new ModelStateDictionary())
        {
            Model = new ErrorModel(status, title, message),
        },
    };

    public static IActionResult NotFound(string what) =>
        Create(StatusCodes.Status404NotFound, "Not found", $"{what} does not exist, or you may not see it.");

    public static IActionResult Forbidden(string message) => Create(StatusCodes.Status403Forbidden, "Not allowed", message);

    public static IActionResult BadRequest(string message) => Create(StatusCodes.Status400BadRequest, "Bad request", message);
}
