using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NtkSweep.Cluster.Tests;

/// <summary>Redis over TLS with a private CA, trusted through --redis-tls-ca rather than the system store.</summary>
public sealed class TlsTests
{
    [Fact]
    public void Tls_with_the_servers_ca_carries_a_silo_and_its_clients_and_without_it_is_one_clear_line_and_exit_code_3()
    {
        using var directory = new TemporaryDirectory();
        var (certificate, key, authority) = WriteCertificates(directory);
        using var server = RedisServer.WithTls(certificate, key, authority);

        // A silo whose membership, storage, reminders, directory and results all go over TLS, and a client through it.
        string[] tls = ["--redis", server.Endpoint, "--redis-tls", "--redis-tls-ca", authority];
        using var silo = new CliProcess(directory.Path, [
            "silo", .. tls, "--concurrency", "1", "--advertise", "127.0.0.1",
            "--silo-port", RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Deployment.WaitUntil(() => silo.Output.Contains("Silo started", StringComparison.Ordinal) || silo.HasExited, TimeSpan.FromSeconds(60), "the TLS silo to start");
        Assert.False(silo.HasExited, silo.Output);
        var trusted = Cli.Run(directory.Path, ["status", .. tls]);
        Assert.True(trusted.ExitCode == 0, trusted.Stderr);
        Assert.Contains("no sweeps submitted", trusted.Stdout, StringComparison.Ordinal);
        Assert.Contains("silos: 1, slots: 1", trusted.Stdout, StringComparison.Ordinal);

        var untrusted = Cli.Run(directory.Path, "status", "--redis", server.Endpoint, "--redis-tls");
        Assert.Equal(3, untrusted.ExitCode);
        var line = Assert.Single(untrusted.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot reach Redis at {server.Endpoint} over TLS", line, StringComparison.Ordinal);
    }

    /// <summary>A throwaway CA and a server certificate for 127.0.0.1 signed by it, as PEM files.</summary>
    private static (string Certificate, string Key, string Authority) WriteCertificates(TemporaryDirectory directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=ntksweep-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-10), now.AddDays(2));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);

        return (
            directory.Write("server.pem", server.ExportCertificatePem()),
            directory.Write("server.key", serverKey.ExportPkcs8PrivateKeyPem()),
            directory.Write("ca.pem", ca.ExportCertificatePem()));
    }
}
