using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Json;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// Serilog for the commands: concise console lines (only warnings while a live progress display owns the terminal)
/// and, when a store is given, a structured JSON log file in STORE/logs/.
/// </summary>
internal sealed class CliLogging : IDisposable
{
    private readonly Serilog.Core.Logger serilog;
    private readonly SerilogLoggerFactory factory;

    public CliLogging(string? logDirectory, bool consoleWarningsOnly, bool console = true)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Debug()
            // Orleans, ASP.NET Core and Polly narrate every placement and request at Information.
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext();

        // A one-shot client prints its own one-line outcome; Orleans' connection retries are not for the user.
        if (console)
        {
            configuration = configuration.WriteTo.Console(
                restrictedToMinimumLevel: consoleWarningsOnly ? LogEventLevel.Warning : LogEventLevel.Information,
                outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Warning);
        }

        if (logDirectory is not null)
        {
            Directory.CreateDirectory(logDirectory);
            var file = Path.Combine(logDirectory, $"ntksweep-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.json");
            LogFile = file;
            configuration = configuration.WriteTo.File(new JsonFormatter(renderMessage: true), file);
        }

        serilog = configuration.CreateLogger();
        factory = new SerilogLoggerFactory(serilog, dispose: false);
    }

    public string? LogFile { get; }

    /// <summary>The Serilog logger itself, for hosts that log through it (Orleans' own categories included).</summary>
    public Serilog.ILogger Serilog => serilog;

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string category) => factory.CreateLogger(category);

    public void Dispose()
    {
        factory.Dispose();
        serilog.Dispose();
    }
}
