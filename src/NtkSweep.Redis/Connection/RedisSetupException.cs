namespace NtkSweep.Redis.Connection;

/// <summary>
/// Redis cannot be used as configured: unreachable, refused the credentials, lacks the commands the distributed
/// mode needs, or the options themselves are wrong. The message is one line meant for the user.
/// </summary>
public sealed class RedisSetupException : Exception
{
    public RedisSetupException()
    {
    }

    public RedisSetupException(string message)
        : base(message)
    {
    }

    public RedisSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
