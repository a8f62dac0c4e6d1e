using System.Reflection;
using System.Text.RegularExpressions;
using NtkSweep.Cli;

namespace NtkSweep.Deploy.Tests;

public sealed partial class PackagingTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    private static string Dotnet => ProcessRunner.Find("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH.");

    private static string PackageVersion =>
        typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    [Fact]
    public void Dockerfile_BuildsInAnSdkStage_RunsNonRootOnTheAspNetRuntime_WithTheNtkSweepEntryPoint()
    {
        var dockerfile = File.ReadAllLines(RepositoryPaths.Combine("deploy", "docker", "Dockerfile"));
        var stages = dockerfile.Where(line => line.StartsWith("FROM ", StringComparison.Ordinal)).ToArray();

        Assert.Equal(2, stages.Length);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", stages[0]);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS runtime$", stages[1]);
        Assert.Contains("COPY --from=build /app ./", dockerfile);
        Assert.Contains("USER $APP_UID", dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/ntksweep.dll\"]", dockerfile);
        Assert.Contains(dockerfile, line => line.StartsWith("LABEL org.opencontainers.image.title=\"ntksweep\"", StringComparison.Ordinal));
    }

    [Fact]
    public void License_IsTheMitLicenseFile_AndTheImageLabelAndPackageSayTheSame()
    {
        var license = File.ReadAllLines(RepositoryPaths.Combine("LICENSE"));
        Assert.Equal("MIT License", license[0]);
        var dockerfile = File.ReadAllText(RepositoryPaths.Combine("deploy", "docker", "Dockerfile"));
        Assert.Contains("org.opencontainers.image.licenses=\"MIT\"", dockerfile, StringComparison.Ordinal);
        var props = File.ReadAllText(RepositoryPaths.Combine("Directory.Build.props"));
        Assert.Contains("<PackageLicenseExpression>MIT</PackageLicenseExpression>", props, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_PublishStep_IsTheReadmesBuild_AndRunsHere()
    {
        var publish = PublishCommand();
        var readme = File.ReadAllText(RepositoryPaths.Combine("deploy", "README.md"));
        Assert.Contains(publish, readme, StringComparison.Ordinal);

        var output = Path.Combine(Path.GetTempPath(), "ntksweep-publish-" + Guid.NewGuid().ToString("N"));
        try
        {
            var arguments = publish.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(argument => argument == "/app" ? output : argument)
                .ToArray();
            var built = ProcessRunner.Run(Dotnet, arguments, RepositoryPaths.Root, BuildTimeout);
            Assert.True(built.ExitCode == 0, built.Stdout + built.Stderr);

            var version = ProcessRunner.Run(Dotnet, [Path.Combine(output, "ntksweep.dll"), "--version"], output, TimeSpan.FromMinutes(1));
            Assert.Equal(0, version.ExitCode);
            Assert.StartsWith(PackageVersion, version.Stdout.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            DeleteQuietly(output);
        }
    }

    [Fact]
    public void ToolPackage_InstallsIntoAToolPath_AndRuns()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "ntksweep-tool-" + Guid.NewGuid().ToString("N"));
        var packages = Path.Combine(scratch, "packages");
        var tools = Path.Combine(scratch, "tools");
        try
        {
            var packed = ProcessRunner.Run(Dotnet, ["pack", "src/NtkSweep.Cli/NtkSweep.Cli.csproj", "-c", "Release", "-o", packages], RepositoryPaths.Root, BuildTimeout);
            Assert.True(packed.ExitCode == 0, packed.Stdout + packed.Stderr);
            Assert.Single(Directory.EnumerateFiles(packages, "NtkSweep.Cli.*.nupkg"));

            var installed = ProcessRunner.Run(Dotnet, ["tool", "install", "NtkSweep.Cli", "--tool-path", tools, "--add-source", packages, "--version", PackageVersion], scratch, BuildTimeout);
            Assert.True(installed.ExitCode == 0, installed.Stdout + installed.Stderr);

            var executable = Path.Combine(tools, "ntksweep");
            var version = ProcessRunner.Run(executable, ["--version"], scratch, TimeSpan.FromMinutes(1));
            Assert.Equal(0, version.ExitCode);
            Assert.StartsWith(PackageVersion, version.Stdout.Trim(), StringComparison.Ordinal);

            var train = ProcessRunner.Run(executable, ["train", "--data", "luo1d", "--width", "16", "--max-steps", "50", "--json"], scratch, TimeSpan.FromMinutes(1));
            Assert.True(train.ExitCode == 0, train.Stderr);
            Assert.Contains("\"status\":", train.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            DeleteQuietly(scratch);
        }
    }

    /// <summary>The Dockerfile's `RUN dotnet publish …` line, without RUN.</summary>
    private static string PublishCommand()
    {
        var line = File.ReadAllLines(RepositoryPaths.Combine("deploy", "docker", "Dockerfile"))
            .Single(text => PublishLine().IsMatch(text));
        return line["RUN ".Length..].Trim();
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Missing already, or still held open for a moment: the test's outcome does not depend on it.
        }
    }

    [GeneratedRegex(@"^RUN dotnet publish ")]
    private static partial Regex PublishLine();
}
