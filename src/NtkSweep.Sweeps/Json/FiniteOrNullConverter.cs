using System.Text.Json;
using System.Text.Json.Serialization;

namespace NtkSweep.Sweeps.Json;

/// <summary>
/// JSON has no NaN or infinity: a non-finite number is written as null (an unknown ETA, a fit with too few points) and
/// read back as NaN. The one converter for non-finite numbers of the source-generated JSON documents.
/// </summary>
public sealed class FiniteOrNullConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
