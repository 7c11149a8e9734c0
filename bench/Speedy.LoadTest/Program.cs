using System.CommandLine;
using Speedy.LoadTest;

return await LoadTestCommand.Create().Parse(args).InvokeAsync();
