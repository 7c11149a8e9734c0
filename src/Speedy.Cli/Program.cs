using System.CommandLine;
using Speedy.Cli;

// A server stopping on SIGTERM drains its requests: give it longer than System.CommandLine's default 2 s.
return await SpeedyCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
