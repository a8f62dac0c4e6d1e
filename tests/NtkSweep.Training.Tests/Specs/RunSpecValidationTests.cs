using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Specs;

/// <summary>Every invalid spec is rejected with a <see cref="SpecException"/> that names the offending field.</summary>
public sealed class RunSpecValidationTests
{
    [Theory]
    [InlineData("""{"width":-4}""", "width")]
    [InlineData("""{"width":0}""", "width")]
    [InlineData("""{"width":2.5}""", "width")]
    [InlineData("""{"trainSamples":0}""", "trainSamples")]
    [InlineData("""{"testSamples":0}""", "testSamples")]
    [InlineData("""{"data":"luo1d","trainSamples":0}""", "trainSamples")]
    [InlineData("""{"inputDim":0}""", "inputDim")]
    [InlineData("""{"inputDim":2,"teachers":3}""", "teachers")]
    [InlineData("""{"teachers":2,"teacherSigns":[1]}""", "teacherSigns")]
    [InlineData("""{"teachers":2,"teacherSigns":[1,0]}""", "teacherSigns")]
    [InlineData("""{"data":"luo1d","teachers":2}""", "teachers")]
    [InlineData("""{"data":"luo1d","inputDim":3}""", "inputDim")]
    [InlineData("""{"data":"images"}""", "data")]
    [InlineData("""{"preset":"glorot"}""", "preset")]
    [InlineData("""{"preset":"ntk","gamma":1}""", "gamma")]
    [InlineData("""{"gamma":1,"alphaG":0.1}""", "alphaG")]
    [InlineData("""{"preset":"ntk","alpha":2}""", "alpha")]
    [InlineData("""{"gammaPrime":0.5}""", "gamma")]
    [InlineData("""{"alphaG":0}""", "alphaG")]
    [InlineData("""{"alpha":-1}""", "alpha")]
    [InlineData("""{"beta2":0}""", "beta2")]
    [InlineData("""{"width":7,"antisymmetric":true}""", "antisymmetric")]
    [InlineData("""{"stepRule":"adaptive","learningRate":0.1}""", "learningRate")]
    [InlineData("""{"stepRule":"fixed"}""", "learningRate")]
    [InlineData("""{"learningRate":0}""", "learningRate")]
    [InlineData("""{"learningRate":0.1,"stepScale":2}""", "stepScale")]
    [InlineData("""{"stepScale":-1}""", "stepScale")]
    [InlineData("""{"stepRule":"newton"}""", "stepRule")]
    [InlineData("""{"weightDecay":-0.1}""", "weightDecay")]
    [InlineData("""{"labelNoise":-1}""", "labelNoise")]
    [InlineData("""{"maxSteps":0}""", "maxSteps")]
    [InlineData("""{"lossTolerance":-1}""", "lossTolerance")]
    [InlineData("""{"seed":-1}""", "seed")]
    [InlineData("""{"gamma":"NaN"}""", "gamma")]
    [InlineData("""{"weightDecay":"Infinity"}""", "weightDecay")]
    [InlineData("""{"bias":"sometimes"}""", "bias")]
    [InlineData("""{"width":null}""", "width")]
    [InlineData("""{"depth":3}""", "depth")]
    public void Invalid_json_spec_is_rejected_naming_the_field(string json, string field)
    {
        var error = Assert.Throws<SpecException>(() => RunSpecJson.Parse(json));
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Not_a_json_object_is_rejected_as_a_spec_error()
    {
        Assert.Equal("spec", Assert.Throws<SpecException>(() => RunSpecJson.Parse("[1,2]")).Field);
        Assert.Equal("spec", Assert.Throws<SpecException>(() => RunSpecJson.Parse("{width:")).Field);
    }

    [Theory]
    [InlineData("gamma")]
    [InlineData("weightDecay")]
    [InlineData("width")]
    [InlineData("learningRate")]
    public void Non_finite_number_set_through_the_builder_is_rejected_naming_the_field(string field)
    {
        foreach (var value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var error = Assert.Throws<SpecException>(() => new RunSpecBuilder().Set(field, value));
            Assert.Equal(field, error.Field);
        }
    }

    [Fact]
    public void Builder_accepts_the_text_forms_the_cli_passes()
    {
        var spec = new RunSpecBuilder()
            .Set("data", "Teacher")
            .Set("inputDim", "6")
            .Set("teachers", "3")
            .Set("teacherSigns", "1, -1, 2")
            .Set("bias", "true")
            .Set("preset", " Mean-Field ")
            .Build();
        Assert.Equal(DataKind.Teacher, spec.Data);
        Assert.Equal(6, spec.InputDim);
        Assert.Equal(new[] { 1.0, -1.0, 2.0 }, spec.TeacherSigns);
        Assert.True(spec.Bias);
        Assert.Equal(Preset.MeanField, spec.Parametrization.Preset);
    }
}
