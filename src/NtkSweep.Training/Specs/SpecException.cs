namespace NtkSweep.Training.Specs;

/// <summary>A spec value that is missing, malformed or impossible. <see cref="Field"/> names the spec field.</summary>
public sealed class SpecException : Exception
{
    public SpecException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public SpecException()
        : this(string.Empty, "Invalid run spec.")
    {
    }

    public SpecException(string message)
        : this(string.Empty, message)
    {
    }

    public SpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    public string Field { get; }
}
