using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace NtkSweep.Redis.Connection;

/// <summary>
/// Opens a multiplexer to the cluster's Redis and checks that it answers with the given credentials. Failures become
/// one-line <see cref="RedisSetupException"/>s. <see cref="BuildConfiguration"/> is also what every Orleans provider
/// (clustering, storage, reminders, directory) connects with, so password, ACL user and TLS apply to all of them.
/// </summary>
public static class RedisConnector
{
    public static ConnectionMultiplexer Connect(RedisOptions options)
    {
        options.EnsureValid();
        ConnectionMultiplexer connection;
        try
        {
            connection = ConnectionMultiplexer.Connect(BuildConfiguration(options));
        }
        catch (RedisConnectionException error)
        {
            throw new RedisSetupException(Explain(options, error), error);
        }

        try
        {
            var database = connection.GetDatabase();
            if (!string.IsNullOrEmpty(options.User))
            {
                // A refused AUTH of an ACL user can leave the connection up as the default user; ask again explicitly.
                database.Execute("AUTH", options.User, options.Password ?? string.Empty);
            }

            database.Ping();
            return connection;
        }
        catch (RedisServerException error) when (IsAuthError(error.Message))
        {
            connection.Dispose();
            throw new RedisSetupException(error.Message.Contains("NOAUTH", StringComparison.OrdinalIgnoreCase)
                ? $"Redis at {options.Describe()} requires a password; give --redis-password or NTKSWEEP_REDIS__PASSWORD"
                : $"Redis at {options.Describe()} refused the credentials ({error.Message}); check --redis-password / NTKSWEEP_REDIS__PASSWORD and the user", error);
        }
        catch (RedisException error)
        {
            connection.Dispose();
            throw new RedisSetupException($"Redis at {options.Describe()} does not answer: {error.Message}", error);
        }
    }

    /// <summary>Checks, once and quickly, that Redis answers with these options; throws <see cref="RedisSetupException"/> otherwise.</summary>
    public static void EnsureReachable(RedisOptions options)
    {
        using var connection = Connect(options);
    }

    public static ConfigurationOptions BuildConfiguration(RedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Connection!);
        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = (int)(options.ConnectTimeoutSeconds * 1000);
        configuration.SyncTimeout = Math.Max(configuration.SyncTimeout, 10_000);
        configuration.ClientName = "ntksweep-" + Environment.ProcessId;
        if (!string.IsNullOrEmpty(options.User))
        {
            configuration.User = options.User;
        }

        if (!string.IsNullOrEmpty(options.Password))
        {
            configuration.Password = options.Password;
        }

        if (options.Tls)
        {
            configuration.Ssl = true;
            if (!string.IsNullOrEmpty(options.TlsHost))
            {
                configuration.SslHost = options.TlsHost;
            }

            if (!string.IsNullOrEmpty(options.TlsCaFile))
            {
                var authority = X509Certificate2.CreateFromPem(File.ReadAllText(options.TlsCaFile));
                configuration.CertificateValidation += (_, certificate, _, errors) => TrustedBy(authority, certificate, errors);
            }
        }

        return configuration;
    }

    /// <summary>
    /// Accepts a server certificate that chains to <paramref name="authority"/> and names the host; the system
    /// trust store is not consulted, so a private CA needs no installation on the worker's machine.
    /// </summary>
    private static bool TrustedBy(X509Certificate2 authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }

    /// <summary>StackExchange.Redis reports a rejected server certificate as an AuthenticationFailure too.</summary>
    private static bool IsTlsFailure(Exception error)
    {
        for (Exception? inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        var text = error.ToString();
        return text.Contains("certificate", StringComparison.OrdinalIgnoreCase) || text.Contains("SSL", StringComparison.Ordinal) || text.Contains("TLS", StringComparison.Ordinal);
    }

    private static bool IsAuthError(string message) =>
        message.Contains("NOAUTH", StringComparison.OrdinalIgnoreCase)
        || message.Contains("WRONGPASS", StringComparison.OrdinalIgnoreCase)
        || message.Contains("invalid password", StringComparison.OrdinalIgnoreCase)
        || message.Contains("invalid username-password", StringComparison.OrdinalIgnoreCase);

    private static string Explain(RedisOptions options, RedisConnectionException error)
    {
        var endpoint = options.Describe();
        if (options.Tls && IsTlsFailure(error))
        {
            return $"cannot reach Redis at {endpoint} over TLS ({error.FailureType}); check the server certificate, --redis-tls-ca and the TLS port";
        }

        if (error.FailureType == ConnectionFailureType.AuthenticationFailure || IsAuthError(error.ToString()))
        {
            var password = options.Password ?? ConfigurationOptions.Parse(options.Connection!).Password;
            return string.IsNullOrEmpty(password)
                ? $"Redis at {endpoint} requires a password; give --redis-password or NTKSWEEP_REDIS__PASSWORD"
                : $"Redis at {endpoint} refused the credentials; check --redis-password / NTKSWEEP_REDIS__PASSWORD";
        }

        // A refused AUTH can surface as a plain UnableToConnect; ask the server directly what it objects to.
        return ProbeCredentials(options) switch
        {
            CredentialProbe.Refused => $"Redis at {endpoint} refused the credentials; check --redis-password / NTKSWEEP_REDIS__PASSWORD",
            CredentialProbe.PasswordRequired => $"Redis at {endpoint} requires a password; give --redis-password or NTKSWEEP_REDIS__PASSWORD",
            CredentialProbe.Unreachable => $"cannot reach Redis at {endpoint} (connection refused or timed out)",
            _ when options.Tls => $"cannot reach Redis at {endpoint} over TLS ({error.FailureType}); check the server certificate, --redis-tls-ca and the TLS port",
            _ => $"cannot reach Redis at {endpoint} ({error.FailureType})",
        };
    }

    private enum CredentialProbe
    {
        Unknown,
        Unreachable,
        PasswordRequired,
        Refused,
    }

    /// <summary>
    /// Speaks plain RESP to the first endpoint: AUTH with the configured credentials (or PING without any) and
    /// reads the verdict. Only without TLS; with TLS the answer stays unknown and the generic message is used.
    /// </summary>
    private static CredentialProbe ProbeCredentials(RedisOptions options)
    {
        if (options.Tls)
        {
            return CredentialProbe.Unknown;
        }

        var endpoint = ConfigurationOptions.Parse(options.Connection!).EndPoints.FirstOrDefault();
        var (host, port) = endpoint switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => (null, 0),
        };
        if (host is null)
        {
            return CredentialProbe.Unknown;
        }

        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            if (!client.ConnectAsync(host, port == 0 ? 6379 : port).Wait(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds)))
            {
                return CredentialProbe.Unreachable;
            }

            using var stream = client.GetStream();
            stream.ReadTimeout = (int)(options.ConnectTimeoutSeconds * 1000);
            var password = options.Password ?? ConfigurationOptions.Parse(options.Connection!).Password;
            string[] command = string.IsNullOrEmpty(password) ? ["PING"]
                : string.IsNullOrEmpty(options.User) ? ["AUTH", password] : ["AUTH", options.User, password];
            var request = new System.Text.StringBuilder().Append('*').Append(command.Length).Append("\r\n");
            foreach (var part in command)
            {
                request.Append('$').Append(System.Text.Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
            }

            stream.Write(System.Text.Encoding.UTF8.GetBytes(request.ToString()));
            var buffer = new byte[256];
            var reply = System.Text.Encoding.UTF8.GetString(buffer, 0, stream.Read(buffer));
            if (reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
            {
                return CredentialProbe.PasswordRequired;
            }

            return IsAuthError(reply) || reply.StartsWith("-ERR", StringComparison.Ordinal) && reply.Contains("AUTH", StringComparison.OrdinalIgnoreCase)
                ? CredentialProbe.Refused
                : CredentialProbe.Unknown;
        }
        catch (Exception probeError) when (probeError is System.Net.Sockets.SocketException or IOException or AggregateException)
        {
            return CredentialProbe.Unreachable;
        }
    }

    /// <summary>host:port for an endpoint, without the address family noise of DnsEndPoint.ToString().</summary>
    public static string Format(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endpoint.ToString() ?? "?",
    };
}
