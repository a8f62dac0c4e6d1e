using System.Diagnostics;

namespace NtkSweep.Cli.Tests;

/// <summary>Runs the real `ntksweep` executable (the built CLI assembly) as a child process.</summary>
internal static class CliProcess
{
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "ntksweep.dll");

    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    public static CliOutcome Run(string workingDirectory, params string[] args) => Run(workingDirectory, TimeSpan.FromMinutes(3), args);

    public static CliOutcome Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ntksweep {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return new CliOutcome(process.ExitCode, stdout.Result, stderr.Result);
    }
}

internal sealed record CliOutcome(int ExitCode, string Stdout, string Stderr);

/// <summary>A temporary directory removed at the end of a test.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ntksweep-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS cleans temp eventually.
        }
    }
}
