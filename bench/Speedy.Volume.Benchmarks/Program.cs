using BenchmarkDotNet.Running;
using Speedy.Volume.Benchmarks.Macro;

// `macro --dir <dir>` runs the end-to-end comparison the README reports; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "macro")
{
    return await MacroBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
