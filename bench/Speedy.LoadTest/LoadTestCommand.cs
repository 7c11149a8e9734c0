using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;

namespace Speedy.LoadTest;

/// <summary>
/// The <c>speedy-loadtest</c> command line. Unset options take the profile's value (<c>--quick</c> or the full run),
/// so <c>--quick --pull-clients 1,2</c> is the quick run with other client counts.
/// </summary>
internal static class LoadTestCommand
{
    private static readonly Option<Uri> s_registry = new("--registry")
    {
        Description = "base URL of the registry, e.g. http://127.0.0.1:5000",
        Required = true,
        CustomParser = ParseRegistry,
    };

    private static readonly Option<Workload[]> s_workloads = new("--workloads")
    {
        Description = "all, or a comma-separated list of pull, push, manifest, image, mixed (run in that order)",
        CustomParser = ParseWorkloads,
    };

    private static readonly Option<TimeSpan?> s_duration = new("--duration") { Description = "length of each timed step: 10s, 500ms, 2m (default 10s; quick 1s)", CustomParser = ParseDuration };
    private static readonly Option<string> s_json = new("--json") { Description = "write every figure to this JSON file" };
    private static readonly Option<string> s_markdown = new("--markdown") { Description = "write the results table to this Markdown file" };
    private static readonly Option<string> s_label = new("--label") { Description = "name of this run in the table and the files (e.g. speedy-fs, distribution)" };
    private static readonly Option<bool> s_quick = new("--quick") { Description = "smoke test: small sizes, few clients, 1 s steps, all in well under a minute" };
    private static readonly Option<string> s_prefix = new("--repository-prefix") { Description = "repositories are <prefix>/pull, <prefix>/push, … (default loadtest)" };
    private static readonly Option<long[]> s_pullSizes = SizesOption("--pull-sizes", "pull: blob sizes (default 1MiB,10MiB,100MiB; quick 64KiB,1MiB,4MiB)");
    private static readonly Option<int[]> s_pullClients = CountsOption("--pull-clients", "pull: client counts (default 1,16,64,256; quick 1,4,16)");
    private static readonly Option<long?> s_pushSize = SizeOption("--push-size", "push: bytes per blob (default 32MiB; quick 4MiB)");
    private static readonly Option<long?> s_chunkSize = SizeOption("--chunk-size", "push: bytes per PATCH of a chunked push (default 5MiB; quick 1MiB)");
    private static readonly Option<int[]> s_pushClients = CountsOption("--push-clients", "push: client counts (default 1,16; quick 1,4)");
    private static readonly Option<int[]> s_manifestClients = CountsOption("--manifest-clients", "manifest: client counts (default 64,256; quick 8,32)");
    private static readonly Option<int?> s_imageLayers = CountOption("--image-layers", "image, mixed: layers of the pulled image (default 20; quick 5)");
    private static readonly Option<long?> s_layerSize = SizeOption("--layer-size", "image, mixed: bytes per layer of the pulled image (default 1MiB; quick 256KiB)");
    private static readonly Option<int?> s_imageClients = CountOption("--image-clients", "image: clients pulling the image at once (default 500; quick 20)");
    private static readonly Option<int?> s_layerParallelism = CountOption("--layer-parallelism", "image, mixed: layers one client fetches or pushes at a time (default 3)");
    private static readonly Option<int?> s_mixedPushers = CountOption("--mixed-pushers", "mixed: clients pushing new images (default 4; quick 2)");
    private static readonly Option<int?> s_mixedPullers = CountOption("--mixed-pullers", "mixed: clients pulling the image in a loop (default 32; quick 4)");
    private static readonly Option<int?> s_mixedLayers = CountOption("--mixed-layers", "mixed: layers per pushed image (default 3; quick 2)");
    private static readonly Option<long?> s_mixedLayerSize = SizeOption("--mixed-layer-size", "mixed: bytes per layer of a pushed image (default 1MiB; quick 64KiB)");

    public static RootCommand Create()
    {
        var root = new RootCommand("Load generator for OCI Distribution registries (Speedy, CNCF Distribution, …)")
        {
            s_registry, s_workloads, s_duration, s_json, s_markdown, s_label, s_quick, s_prefix,
            s_pullSizes, s_pullClients, s_pushSize, s_chunkSize, s_pushClients, s_manifestClients,
            s_imageLayers, s_layerSize, s_imageClients, s_layerParallelism,
            s_mixedPushers, s_mixedPullers, s_mixedLayers, s_mixedLayerSize,
        };
        root.SetAction((parse, cancellationToken) => LoadTest.RunAsync(Settings(parse), parse.GetValue(s_json), parse.GetValue(s_markdown), cancellationToken));
        return root;
    }

    private static LoadTestSettings Settings(ParseResult parse)
    {
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when it cannot ask a terminal; the table is wider.
            AnsiConsole.Profile.Width = 160;
        }

        // Required, so the parser has already refused a command line without it.
        var registry = parse.GetValue(s_registry)!;
        var workloads = Or(parse.GetValue(s_workloads), Enum.GetValues<Workload>());
        var profile = parse.GetValue(s_quick) ? LoadTestSettings.QuickProfile(registry, workloads) : LoadTestSettings.FullProfile(registry, workloads);
        return profile with
        {
            Label = parse.GetValue(s_label),
            RepositoryPrefix = parse.GetValue(s_prefix) ?? profile.RepositoryPrefix,
            Duration = parse.GetValue(s_duration) ?? profile.Duration,
            PullSizes = Or(parse.GetValue(s_pullSizes), profile.PullSizes),
            PullClients = Or(parse.GetValue(s_pullClients), profile.PullClients),
            PushSize = parse.GetValue(s_pushSize) ?? profile.PushSize,
            ChunkSize = parse.GetValue(s_chunkSize) ?? profile.ChunkSize,
            PushClients = Or(parse.GetValue(s_pushClients), profile.PushClients),
            ManifestClients = Or(parse.GetValue(s_manifestClients), profile.ManifestClients),
            ImageLayers = parse.GetValue(s_imageLayers) ?? profile.ImageLayers,
            LayerSize = parse.GetValue(s_layerSize) ?? profile.LayerSize,
            ImageClients = parse.GetValue(s_imageClients) ?? profile.ImageClients,
            LayerParallelism = parse.GetValue(s_layerParallelism) ?? profile.LayerParallelism,
            MixedPushers = parse.GetValue(s_mixedPushers) ?? profile.MixedPushers,
            MixedPullers = parse.GetValue(s_mixedPullers) ?? profile.MixedPullers,
            MixedPushLayers = parse.GetValue(s_mixedLayers) ?? profile.MixedPushLayers,
            MixedPushLayerSize = parse.GetValue(s_mixedLayerSize) ?? profile.MixedPushLayerSize,
        };
    }

    private static IReadOnlyList<T> Or<T>(T[]? given, IReadOnlyList<T> profile) => given is { Length: > 0 } ? given : profile;

    private static Uri ParseRegistry(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--registry must be an http:// or https:// URL, not \"{text}\"");
        return new Uri("http://invalid/");
    }

    private static Workload[] ParseWorkloads(ArgumentResult result)
    {
        var names = Split(result);
        if (names.Length == 1 && names[0].Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return Enum.GetValues<Workload>();
        }

        var chosen = new HashSet<Workload>();
        foreach (var name in names)
        {
            if (!Enum.TryParse<Workload>(name, ignoreCase: true, out var workload) || !Enum.IsDefined(workload))
            {
                result.AddError($"unknown workload \"{name}\": use all, or some of pull, push, manifest, image, mixed");
                return [];
            }

            chosen.Add(workload);
        }

        return [.. Enum.GetValues<Workload>().Where(chosen.Contains)];
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Units.TryParseDuration(text, out var duration))
        {
            return duration;
        }

        result.AddError($"{result.Argument.Name}: \"{text}\" is not a duration like 10s, 500ms or 2m");
        return null;
    }

    private static Option<long?> SizeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Single(result, ParseSizes(result)),
    };

    private static Option<long[]> SizesOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => ParseSizes(result) ?? [],
    };

    private static Option<int?> CountOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Single(result, ParseCounts(result)),
    };

    private static Option<int[]> CountsOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => ParseCounts(result) ?? [],
    };

    private static long[]? ParseSizes(ArgumentResult result)
    {
        var texts = Split(result);
        var sizes = new long[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            if (!Units.TryParseSize(texts[i], out sizes[i]) || sizes[i] < RandomData.TagBytes)
            {
                result.AddError($"\"{texts[i]}\" is not a size like 1MiB, 512KiB or 4096 (at least {RandomData.TagBytes} bytes)");
                return null;
            }
        }

        return sizes;
    }

    private static int[]? ParseCounts(ArgumentResult result)
    {
        var texts = Split(result);
        var counts = new int[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            if (!int.TryParse(texts[i], NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1)
            {
                result.AddError($"\"{texts[i]}\" is not a positive whole number");
                return null;
            }
        }

        return counts;
    }

    private static T? Single<T>(ArgumentResult result, T[]? values)
        where T : struct
    {
        if (values is [var value])
        {
            return value;
        }

        if (values is not null)
        {
            result.AddError($"{result.Argument.Name}: one value, not {values.Length}");
        }

        return null;
    }

    /// <summary>The option's values, comma-separated or repeated: <c>--pull-clients 1,16</c> or <c>--pull-clients 1 --pull-clients 16</c>.</summary>
    private static string[] Split(ArgumentResult result) =>
        [.. result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
