using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Speedy.Auth;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;
using Speedy.Registry.Core;

namespace Speedy.Index.Pages.Admin;

/// <summary>
/// Robot accounts, for administrators: list; create one in a namespace with rights (one line per repository path or
/// <c>*</c>, with its actions) and an expiry, its secret shown once; revoke one (deleted: its secret stops working).
/// </summary>
[AdminOnly]
internal sealed class RobotsModel(IIndexStore store, TimeProvider timeProvider, IOptions<IndexWebOptions> options) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The expiries offered, in days; 0 is never.</summary>
    public static readonly int[] Expiries = [30, 90, 365, 0];

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    [BindProperty]
    public string? Namespace { get; set; }

    [BindProperty]
    public string? RobotName { get; set; }

    [BindProperty]
    public string? Rights { get; set; }

    [BindProperty]
    public int ExpiresInDays { get; set; } = 365;

    public PagedList<Account> Robots { get; private set; } = new([], 0);

    public int PageCount => (int)Math.Max(1, (Robots.Total + PageSize - 1) / PageSize);

    public DateTimeOffset Now { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The robot just created and its secret: shown on this answer only.</summary>
    public (string Name, string Secret)? Created { get; private set; }

    public string LoginCommand(string robot) => $"docker login {options.Value.DisplayRegistryHost} --username '{robot}' --password-stdin";

    public static string Describe(IReadOnlyList<RobotRight> rights) =>
        string.Join("; ", rights.Select(right => $"{right.Repository}: {string.Join(",", right.Actions)}"));

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var ns = Namespace?.Trim() ?? string.Empty;
        var name = RobotName?.Trim() ?? string.Empty;
        if (!IndexNames.IsValidNamespace(ns) || !IndexNames.IsValidNamespace(name))
        {
            return await RefuseAsync("Give the robot's namespace and a short name (lower-case letters and digits, joined by '.', '_' or '-').", cancellationToken);
        }

        if (!TryParseRights(ns, Rights, out var rights, out var problem))
        {
            return await RefuseAsync(problem, cancellationToken);
        }

        if (!Expiries.Contains(ExpiresInDays))
        {
            return await RefuseAsync("Choose one of the expiries offered.", cancellationToken);
        }

        var secret = IndexSecrets.Create(IndexSecrets.RobotPrefix);
        Account? robot;
        try
        {
            robot = await store.CreateRobotAsync(
                new RobotSpec
                {
                    Namespace = ns,
                    Name = name,
                    SecretHash = IndexSecrets.Hash(secret),
                    Rights = rights,
                    ExpiresAt = ExpiresInDays == 0 ? null : timeProvider.GetUtcNow().AddDays(ExpiresInDays),
                },
                cancellationToken);
        }
        catch (IndexConflictException)
        {
            return await RefuseAsync($"The namespace {ns} already has a robot named {name}.", cancellationToken);
        }

        if (robot is null)
        {
            return await RefuseAsync($"There is no namespace named {ns}.", cancellationToken);
        }

        await store.AppendAuditAsync(
            new AuditRecord(HttpContext.GetViewer()!.Name, AuditActions.RobotCreated, robot.Name, Describe(rights), HttpContext.RemoteAddress()), // [AdminOnly].
            cancellationToken);
        Created = (robot.Name, secret);
        (Namespace, RobotName, Rights) = (null, null, null);
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken cancellationToken)
    {
        if (await store.GetAccountAsync(id, cancellationToken) is not { IsRobot: true } robot ||
            !await store.DeleteRobotAsync(id, cancellationToken))
        {
            return ErrorPage.NotFound("The robot account");
        }

        await store.AppendAuditAsync(
            new AuditRecord(HttpContext.GetViewer()!.Name, AuditActions.RobotDeleted, robot.Name, string.Empty, HttpContext.RemoteAddress()), // [AdminOnly].
            cancellationToken);
        return Redirect($"/admin/robots?page={PageNumber}");
    }

    /// <summary>
    /// Lines of <c>PATH: ACTIONS</c>: PATH a repository inside the namespace (<c>app</c>, <c>team/app</c>) or <c>*</c>,
    /// ACTIONS pull, push, delete separated by commas.
    /// </summary>
    internal static bool TryParseRights(string ns, string? text, out List<RobotRight> rights, out string problem)
    {
        rights = [];
        problem = string.Empty;
        foreach (var raw in (text ?? string.Empty).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var path = colon < 0 ? string.Empty : line[..colon].Trim();
            var actions = colon < 0 ? [] : line[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (path.Length == 0 || (path != RobotRight.AnyRepository && !RepositoryName.IsValid($"{ns}/{path}")))
            {
                problem = $"\"{line}\": start with a repository inside {ns} (e.g. app) or *, then a colon.";
                return false;
            }

            if (actions.Length == 0 || actions.Any(action => action is not (ResourceActions.Pull or ResourceActions.Push or ResourceActions.Delete)))
            {
                problem = $"\"{line}\": after the colon, list pull, push or delete separated by commas.";
                return false;
            }

            if (rights.Any(right => right.Repository == path))
            {
                problem = $"\"{path}\" is listed twice.";
                return false;
            }

            rights.Add(new RobotRight(path, actions.Distinct(StringComparer.Ordinal).ToList()));
        }

        if (rights.Count == 0)
        {
            problem = "Give the robot at least one right, e.g. \"*: pull\".";
            return false;
        }

        return true;
    }

    private async Task<IActionResult> RefuseAsync(string error, CancellationToken cancellationToken)
    {
        Error = error;
        await LoadAsync(cancellationToken);
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = timeProvider.GetUtcNow();
        PageNumber = Math.Max(1, PageNumber);
        Robots = await store.ListAccountsAsync(
            new AccountQuery
            {
                Kind = AccountKind.Robot,
                Offset = PagerModel.Offset(PageNumber, PageSize),
                Limit = PageSize,
            },
            cancellationToken);
    }
}
