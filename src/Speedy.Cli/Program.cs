using Speedy.Cli;

return await SpeedyCommand.Create().Parse(args).InvokeAsync();
