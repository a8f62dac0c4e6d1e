using System.CommandLine;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Cli.Commands;

/// <summary>`ntksweep train`: one run from options (one per spec field) or a JSON spec, printed as a summary or JSON.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train one network and print its regime metrics.");
        var fieldOptions = new List<(string Field, Option Option)>();
        foreach (var field in RunSpecBuilder.Fields)
        {
            Option option = field.Type == SpecFieldType.Boolean
                ? new Option<bool?>(OptionNames.ForField(field.Name)) { Description = field.Description, Arity = ArgumentArity.ZeroOrOne }
                : new Option<string>(OptionNames.ForField(field.Name)) { Description = field.Description };
            if (field.Name == "learningRate")
            {
                option.Aliases.Add("--lr");
            }

            command.Options.Add(option);
            fieldOptions.Add((field.Name, option));
        }

        var specOption = new Option<FileInfo>("--spec") { Description = "Read the run spec from a JSON file; other options override its fields." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var kernelOption = new Option<string>("--kernel") { Description = KernelChoice.OptionDescription };
        command.Options.Add(specOption);
        command.Options.Add(jsonOption);
        command.Options.Add(kernelOption);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var specFile = parseResult.GetValue(specOption);
            var builder = ReadSpecFile(specFile);
            var fromOptions = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (field, option) in fieldOptions)
            {
                if (parseResult.GetResult(option) is null)
                {
                    continue;
                }

                fromOptions.Add(field);

                object? value = option switch
                {
                    Option<bool?> flag => parseResult.GetValue(flag) ?? true,
                    Option<string> text => parseResult.GetValue(text),
                    _ => null,
                };
                if (value is not null)
                {
                    builder.Set(field, value);
                }
            }

            RunSpec spec;
            try
            {
                spec = builder.Build();
            }
            catch (SpecException error) when (specFile is not null && !fromOptions.Contains(error.Field))
            {
                // The value came from the file, not from an option: name the file and its field.
                throw new UsageException($"{specFile.FullName}: {error.Message}", error);
            }

            var path = KernelChoice.FromOptionOrEnvironment(parseResult.GetValue(kernelOption)) ?? KernelFactory.Best;
            var result = Trainer.Run(spec, path, cancellationToken);
            Console.Out.WriteLine(parseResult.GetValue(jsonOption) ? RunResultJson.Write(result) : TrainSummary.Format(result));
            return Task.FromResult(0);
        });
        return command;
    }

    private static RunSpecBuilder ReadSpecFile(FileInfo? file)
    {
        if (file is null)
        {
            return new RunSpecBuilder();
        }

        if (!file.Exists)
        {
            throw new UsageException($"--spec: file '{file.FullName}' does not exist");
        }

        using var document = ParseJson(File.ReadAllText(file.FullName), file.FullName);
        try
        {
            return RunSpecJson.ToBuilder(document.RootElement);
        }
        catch (SpecException error)
        {
            throw new UsageException($"{file.FullName}: {error.Message}", error);
        }
    }

    private static System.Text.Json.JsonDocument ParseJson(string text, string path)
    {
        try
        {
            return System.Text.Json.JsonDocument.Parse(text);
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new UsageException($"--spec: '{path}' is not valid JSON: {error.Message}");
        }
    }
}
