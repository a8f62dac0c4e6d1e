using NtkSweep.Cli;

return await CliApplication.RunAsync(args);
