using System.Text.Json.Nodes;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Specs;

/// <summary>The canonical JSON is what runs are hashed and deduplicated by, so it must be stable and unique.</summary>
public sealed class RunSpecJsonTests
{
    public static TheoryData<string> Specs => new()
    {
        "{}",
        """{"data":"luo1d"}""",
        """{"data":"luo1d","width":64,"antisymmetric":true,"gamma":1.5,"gammaPrime":-0.25,"maxSteps":2000}""",
        """{"data":"teacher","inputDim":8,"teachers":3,"teacherSigns":[1,-2,0.5],"teacherDirections":"axis","labelNoise":0.1}""",
        """{"preset":"he","weightDecay":0.001,"stepRule":"fixed","learningRate":0.05,"seed":12345}""",
        """{"alphaG":0.01,"stepScale":0.5,"lossTolerance":0}""",
        """{"alpha":32,"beta1":0.5,"beta2":2,"bias":true,"testSamples":7}""",
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Parse_of_canonical_json_gives_the_same_canonical_json(string json)
    {
        var spec = RunSpecJson.Parse(json);
        var canonical = spec.ToCanonicalJson();
        var reparsed = RunSpecJson.Parse(canonical);
        Assert.Equal(canonical, reparsed.ToCanonicalJson());
        Assert.Equal(spec, reparsed);
        Assert.Equal(spec.GetHashCode(), reparsed.GetHashCode());
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Builder_from_a_spec_rebuilds_the_same_spec(string json)
    {
        var spec = RunSpecJson.Parse(json);
        var rebuilt = RunSpecBuilder.From(spec).Build();
        Assert.Equal(spec.ToCanonicalJson(), rebuilt.ToCanonicalJson());
    }

    [Fact]
    public void Field_order_of_the_input_does_not_change_the_canonical_json()
    {
        const string forward = """{"data":"teacher","inputDim":6,"teachers":2,"width":40,"preset":"mean-field","weightDecay":0.003,"maxSteps":500,"seed":9}""";
        var node = JsonNode.Parse(forward)!.AsObject();
        var reversed = new JsonObject();
        foreach (var property in node.Reverse())
        {
            reversed[property.Key] = property.Value!.DeepClone();
        }

        Assert.NotEqual(forward, reversed.ToJsonString());
        Assert.Equal(RunSpecJson.Parse(forward).ToCanonicalJson(), RunSpecJson.Parse(reversed.ToJsonString()).ToCanonicalJson());
    }

    [Fact]
    public void Canonical_json_lists_fields_in_the_fixed_canonical_order()
    {
        var spec = RunSpecJson.Parse("""{"seed":3,"width":10,"data":"luo1d"}""");
        var names = JsonNode.Parse(spec.ToCanonicalJson())!.AsObject().Select(property => property.Key).ToArray();
        var canonicalOrder = RunSpecJson.CanonicalFields(spec).Select(field => field.Name).ToArray();
        Assert.Equal(canonicalOrder, names);
        Assert.Equal("data", names[0]);
        Assert.Equal("seed", names[^1]);
    }

    [Theory]
    [InlineData("width", "64", "64.0")]
    [InlineData("gamma", "1", "1.0")]
    [InlineData("weightDecay", "0.001", "1e-3")]
    [InlineData("lossTolerance", "0.00001", "1.0E-5")]
    [InlineData("seed", "7", "7.000")]
    public void Equal_numbers_written_differently_give_the_same_canonical_text(string field, string first, string second)
    {
        var prefix = field == "gamma" ? "\"data\":\"luo1d\"," : string.Empty;
        var left = RunSpecJson.Parse($"{{{prefix}\"{field}\":{first}}}");
        var right = RunSpecJson.Parse($"{{{prefix}\"{field}\":{second}}}");
        Assert.Equal(left.ToCanonicalJson(), right.ToCanonicalJson());
    }

    [Fact]
    public void Whole_numbers_are_written_without_a_fraction_and_others_round_trip()
    {
        Assert.Equal("1", RunSpecJson.FormatNumber(1.0));
        Assert.Equal("0", RunSpecJson.FormatNumber(-0.0));
        Assert.Equal("-3", RunSpecJson.FormatNumber(-3.0));
        foreach (var value in new[] { 0.1, 1e-5, 1.0 / 3, 2.5e-300, 123456.789, 1e20 })
        {
            var text = RunSpecJson.FormatNumber(value);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("null", RunSpecJson.FormatNumber(double.NaN));
    }

    [Fact]
    public void Defaults_follow_the_science_bias_on_for_luo_off_for_teacher()
    {
        var luo = RunSpecJson.Parse("""{"data":"luo1d"}""");
        Assert.True(luo.Bias);
        Assert.Equal(1, luo.InputDim);
        Assert.Equal(8, luo.TrainSamples);
        Assert.Equal(2, luo.InputChannels);
        var teacher = RunSpecJson.Parse("""{"data":"teacher","inputDim":5}""");
        Assert.False(teacher.Bias);
        Assert.Equal(5, teacher.InputChannels);
        Assert.Equal(StepRule.Adaptive, teacher.StepRule);
        Assert.Equal(ParametrizationKind.Preset, teacher.Parametrization.Kind);
        Assert.Equal(Preset.Ntk, teacher.Parametrization.Preset);
    }

    [Fact]
    public void Giving_a_learning_rate_alone_selects_the_fixed_rule()
    {
        var spec = RunSpecJson.Parse("""{"learningRate":0.1}""");
        Assert.Equal(StepRule.Fixed, spec.StepRule);
        Assert.Equal(0.1, spec.LearningRate);
    }

    [Fact]
    public void Different_runs_have_different_canonical_json()
    {
        var first = RunSpecJson.Parse("""{"width":64}""");
        var second = RunSpecJson.Parse("""{"width":65}""");
        Assert.NotEqual(first.ToCanonicalJson(), second.ToCanonicalJson());
        Assert.NotEqual(first, second);
    }
}
