using NtkSweep.Sweeps.Files;
using static NtkSweep.Sweeps.Tests.Files.SweepExamples;

namespace NtkSweep.Sweeps.Tests.Files;

public sealed class SweepFileProblemTests
{
    [Fact]
    public void UnknownTopLevelKey_IsReportedAtItsLine()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nseeds: 2\ncolour: blue\n"));

        Assert.Equal(new SweepProblem(InlineFileName, 3, "colour", problem.Message), problem);
        Assert.Contains("unknown top-level key", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MisspelledTopLevelKey_SuggestsTheRightOne()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nseed: 2\n"));

        Assert.Equal(("seed", 2), (problem.Key, problem.Line));
        Assert.Contains("did you mean 'seeds'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunSpecFieldAtTopLevel_SaysWhereItBelongs()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nwidth: 64\n"));

        Assert.Equal(("width", 2), (problem.Key, problem.Line));
        Assert.Contains("fixed", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFieldName_IsReportedWithASuggestion()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nfixed:\n  data: luo1d\n  widht: 64\n"));

        Assert.Equal(("widht", 4), (problem.Key, problem.Line));
        Assert.Contains("did you mean 'width'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownAxisField_IsReported()
    {
        var problem = Assert.Single(ProblemsOf("name: a\naxes:\n  lambda: [0, 0.1]\n"));

        Assert.Equal(("lambda", 3), (problem.Key, problem.Line));
    }

    [Fact]
    public void WrongType_IsReportedAtTheValueWithTheField()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nfixed:\n  width: abc\n"));

        Assert.Equal(("width", 3), (problem.Key, problem.Line));
        Assert.Contains("'abc'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTypeInAxis_IsReportedAtTheItemLine()
    {
        var problem = Assert.Single(ProblemsOf("name: a\naxes:\n  antisymmetric:\n    - true\n    - maybe\n"));

        Assert.Equal(("antisymmetric", 5), (problem.Key, problem.Line));
    }

    [Fact]
    public void ListForNonListFixedField_SaysToMakeItAnAxis()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nfixed:\n  width: [64, 128]\n"));

        Assert.Equal(("width", 3), (problem.Key, problem.Line));
        Assert.Contains("axis", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyAxis_IsReported()
    {
        var problem = Assert.Single(ProblemsOf("name: a\naxes:\n  width: []\n"));

        Assert.Equal(("width", 3), (problem.Key, problem.Line));
        Assert.Contains("no values", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AxisWithoutValue_IsReported()
    {
        var problem = Assert.Single(ProblemsOf("name: a\naxes:\n  width:\n"));

        Assert.Equal(("width", 3), (problem.Key, problem.Line));
    }

    [Fact]
    public void ScalarAxis_SaysASingleValueBelongsUnderFixed()
    {
        var problem = Assert.Single(ProblemsOf("name: a\naxes:\n  width: 64\n"));

        Assert.Equal(("width", 3), (problem.Key, problem.Line));
        Assert.Contains("fixed", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{linspace: [0.5, 1.5, 0]}")]
    [InlineData("{linspace: [0.5, 1.5, -2]}")]
    [InlineData("{linspace: [0.5, 1.5, 2.5]}")]
    [InlineData("{logspace: [-4, -1, 0]}")]
    public void SpacedAxisCountBelowOneOrFractional_IsReported(string axis)
    {
        var problem = Assert.Single(ProblemsOf($"name: a\naxes:\n  gamma: {axis}\n"));

        Assert.Equal(("gamma", 3), (problem.Key, problem.Line));
        Assert.Contains("count", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{linspace: [0.5, 1.5]}")]
    [InlineData("{linspace: 3}")]
    [InlineData("{linspase: [0.5, 1.5, 3]}")]
    [InlineData("{linspace: [0.5, 1.5, 3], list: [1]}")]
    public void MalformedAxisForm_IsReported(string axis)
    {
        var problem = Assert.Single(ProblemsOf($"name: a\naxes:\n  gamma: {axis}\n"));

        Assert.Equal(("gamma", 3), (problem.Key, problem.Line));
    }

    [Fact]
    public void LinspaceOnTextField_IsReported()
    {
        var problem = Assert.Single(ProblemsOf("name: a\naxes:\n  preset: {linspace: [0, 1, 3]}\n"));

        Assert.Equal("preset", problem.Key);
        Assert.Contains("numeric", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fixed:\n  labelNoise: .inf\n", "labelNoise")]
    [InlineData("fixed:\n  labelNoise: 1e999\n", "labelNoise")]
    [InlineData("fixed:\n  labelNoise: NaN\n", "labelNoise")]
    [InlineData("axes:\n  gamma: {linspace: [0, .nan, 3]}\n", "gamma")]
    [InlineData("axes:\n  weightDecay: {logspace: [-1, 400, 2]}\n", "weightDecay")]
    public void NonFiniteNumber_IsReported(string section, string key)
    {
        var problem = Assert.Single(ProblemsOf("name: a\n" + section));

        Assert.Equal(key, problem.Key);
        Assert.Equal(3, problem.Line);
    }

    [Fact]
    public void ImpossibleFixedValue_IsReportedAtTheFixedLine()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nfixed:\n  data: luo1d\n  width: -3\n"));

        Assert.Equal(new SweepProblem(InlineFileName, 4, "width", "width must be at least 1"), problem);
    }

    [Fact]
    public void ImpossibleAxisValue_IsReportedOnceAtTheAxisLine()
    {
        // Every one of the 5 × 3 seeds points with width −3 fails the same way: one problem, not fifteen.
        var problem = Assert.Single(ProblemsOf("""
            name: a
            axes:
              gamma: {linspace: [0.5, 1.5, 5]}
              width: [64, -3]
            seeds: 3
            """));

        Assert.Equal(new SweepProblem(InlineFileName, 4, "width", "width must be at least 1"), problem);
    }

    [Fact]
    public void ContradictoryParametrization_FixedPresetAndAxisGamma_PointsAtTheAxis()
    {
        var problem = Assert.Single(ProblemsOf("""
            name: a
            fixed:
              preset: ntk
            axes:
              gamma: [0.5, 1]
            """));

        Assert.Equal(("gamma", 5), (problem.Key, problem.Line));
        Assert.Contains("contradictory parametrization", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultedFieldError_PointsAtTheFixedLine()
    {
        // teachers defaults to 2, which inputDim 1 cannot hold: the error is about a field nobody wrote.
        var problem = Assert.Single(ProblemsOf("name: a\ndescription: teacher data in 1-D\nfixed:\n  inputDim: 1\n"));

        Assert.Equal(("teachers", 3), (problem.Key, problem.Line));
    }

    [Fact]
    public void DefaultedFieldErrorWithoutFixed_PointsAtTheDocumentStart()
    {
        var problem = Assert.Single(ProblemsOf("name: a\naxes:\n  inputDim: [1, 8]\n"));

        Assert.Equal(("teachers", 1), (problem.Key, problem.Line));
    }

    [Fact]
    public void FieldBothFixedAndAxis_IsReportedAtTheAxis()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nfixed:\n  width: 64\naxes:\n  width: [64, 128]\n"));

        Assert.Equal(("width", 5), (problem.Key, problem.Line));
        Assert.Contains("line 3", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fixed:\n  seed: 3\n")]
    [InlineData("axes:\n  seed: [1, 2]\n")]
    public void SeedInFixedOrAxes_IsReported(string section)
    {
        var problem = Assert.Single(ProblemsOf("name: a\n" + section));

        Assert.Equal(("seed", 3), (problem.Key, problem.Line));
        Assert.Contains("seeds", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("seeds: 0")]
    [InlineData("seeds: -2")]
    [InlineData("seeds: many")]
    [InlineData("seeds: []")]
    [InlineData("seeds: [1, -1]")]
    [InlineData("seeds: 2000000")]
    public void BadSeeds_AreReported(string seeds)
    {
        var problem = Assert.Single(ProblemsOf("name: a\n" + seeds + "\n"));

        Assert.Equal(("seeds", 2), (problem.Key, problem.Line));
    }

    [Theory]
    [InlineData("description: no name here\n", 1)]
    [InlineData("name: Quick_Sweep\n", 1)]
    [InlineData("name: [a, b]\n", 1)]
    public void MissingOrBadName_IsReported(string text, int line)
    {
        var problem = Assert.Single(ProblemsOf(text));

        Assert.Equal(("name", line), (problem.Key, problem.Line));
    }

    [Theory]
    [InlineData("report:\n  boundary: geiger\n", "report.boundary")]
    [InlineData("report:\n  x: gama\n", "report.x")]
    [InlineData("report:\n  crossover: preset\n", "report.crossover")]
    [InlineData("report:\n  z: width\n", "report.z")]
    public void BadReportHint_IsReported(string section, string key)
    {
        var problem = Assert.Single(ProblemsOf("name: a\n" + section));

        Assert.Equal((key, 3), (problem.Key, problem.Line));
    }

    [Fact]
    public void DuplicateKey_IsReportedAtTheSecondOccurrence()
    {
        var problem = Assert.Single(ProblemsOf("name: a\nfixed:\n  width: 64\n  maxSteps: 10\n  width: 128\n"));

        Assert.Equal(("width", 5), (problem.Key, problem.Line));
        Assert.Contains("line 3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKeys_DoNotHideOtherProblems()
    {
        var problems = ProblemsOf("name: a\nseeds: 2\nseeds: 3\nfixed:\n  width: abc\n");

        Assert.Equal([("seeds", 3), ("width", 5)], problems.Select(problem => (problem.Key, problem.Line)));
    }

    [Theory]
    [InlineData("name: a\nfixed:\n  data: \"luo1d\n", 3)]
    [InlineData("name: a\nfixed:\n  width: 64\n bad indentation: here\n", 4)]
    [InlineData("name: a\naxes:\n  width: [64, 128\nseeds: 2\n", 3)]
    public void YamlSyntaxError_IsReportedWithTheParsersLine(string text, int line)
    {
        var problem = Assert.Single(ProblemsOf(text));

        Assert.Equal("yaml", problem.Key);
        Assert.InRange(problem.Line, line, line + 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    public void EmptyFile_IsReported(string text)
    {
        var problem = Assert.Single(ProblemsOf(text));

        Assert.Equal(("yaml", 1), (problem.Key, problem.Line));
    }

    [Fact]
    public void NonMappingDocument_IsReported()
    {
        var problem = Assert.Single(ProblemsOf("- name: a\n"));

        Assert.Equal("yaml", problem.Key);
    }

    [Fact]
    public void SeveralProblems_AreAllReportedInLineOrder()
    {
        var path = PathOf("several-problems.yaml");

        var error = Assert.Throws<SweepFileException>(() => SweepFileParser.Load(path));

        Assert.Equal(
            [(1, "name"), (4, "widht"), (5, "maxSteps"), (7, "gamma"), (8, "width"), (10, "colour")],
            error.Problems.Select(problem => (problem.Line, problem.Key)));
        Assert.All(error.Problems, problem => Assert.Equal(path, problem.File));
    }

    [Fact]
    public void SeveralBuildErrorsInOnePoint_AreAllReported()
    {
        var problems = ProblemsOf("name: a\nfixed:\n  width: -3\n  maxSteps: 0\n  labelNoise: -1\n");

        Assert.Equal([(3, "width"), (4, "maxSteps"), (5, "labelNoise")], problems.Select(problem => (problem.Line, problem.Key)));
    }

    [Fact]
    public void FormatIllustration_ReportsItsTwoContradictions()
    {
        // Every line is well-formed, but teacher signs do not apply to luo1d, and a preset axis cannot be combined
        // with a gamma axis: both are found by building the expanded runs and blamed on the lines that set them.
        var problems = ProblemsOf("""
            name: quick
            description: A small phase diagram over (γ', γ).
            fixed:
              data: luo1d
              antisymmetric: true
              maxSteps: 4000
              teacherSigns: [1, -1]
            axes:
              width: [64, 256, 1024]
              gamma: {linspace: [0.5, 1.5, 5]}
              weightDecay: {logspace: [-4, -1, 4]}
              preset: {list: [ntk, mean-field]}
            seeds: 3
            report:
              x: gammaPrime
              y: gamma
              boundary: luo
              crossover: alphaG
            """);

        Assert.Equal([(7, "teacherSigns"), (10, "gamma")], problems.Select(problem => (problem.Line, problem.Key)));
        Assert.Contains("teacher data only", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("contradictory parametrization", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadFieldValue_DoesNotCauseFollowOnErrors()
    {
        // learningRate is unusable, so the "fixed needs a learningRate" that its absence would cause is not repeated.
        var problem = Assert.Single(ProblemsOf("name: a\nfixed:\n  stepRule: fixed\n  learningRate: fast\n"));

        Assert.Equal(("learningRate", 4), (problem.Key, problem.Line));
    }

    [Fact]
    public void ExceptionMessage_ListsOneProblemPerLineInCompilerForm()
    {
        var error = Assert.Throws<SweepFileException>(() => Parse("name: a\nfixed:\n  widht: 64\ncolour: blue\n"));

        var lines = error.Message.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("inline.yaml:3: widht: unknown run-spec field 'widht'", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("inline.yaml:4: colour: ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsAClearError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-sweep-{Guid.NewGuid():N}.yaml");

        var error = Assert.Throws<SweepFileException>(() => SweepFileParser.Load(path));

        var problem = Assert.Single(error.Problems);
        Assert.Equal((path, "file"), (problem.File, problem.Key));
        Assert.Contains("no such sweep file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLargeSweep_IsRejectedBeforeExpanding()
    {
        var problem = Assert.Single(ProblemsOf("""
            name: huge
            axes:
              width: {linspace: [10, 1000, 991]}
              gamma: {linspace: [0, 2, 1000]}
            seeds: 3
            """));

        Assert.Equal(("axes", 2), (problem.Key, problem.Line));
    }
}
