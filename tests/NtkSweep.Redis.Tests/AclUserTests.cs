namespace NtkSweep.Redis.Tests;

/// <summary>
/// An ACL user (Redis 6+): StackExchange.Redis 1.2.6 has no user name option, so the connection sends
/// AUTH USER PASSWORD itself after the handshake. The default user here may only do the handshake.
/// </summary>
public sealed class AclUserTests(RedisServer server) : IClassFixture<RedisServer>
{
    [Fact]
    public void An_acl_user_submits_and_works_a_sweep_a_wrong_password_or_no_user_is_a_clear_error()
    {
        using var deployment = new Deployment(server);
        deployment.Database.Execute("ACL", "SETUSER", "sweeper", "on", ">s3cret", "~*", "&*", "+@all");
        var sweep = deployment.WriteSweep("acl", """
            name: acl
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 1000}
            axes:
              width: [16, 24]
            """);
        string[] user = ["--redis-user", "sweeper", "--redis-password", "s3cret"];
        try
        {
            deployment.Database.Execute("ACL", "SETUSER", "default", "resetkeys", "resetchannels", "-@all", "+ping", "+info", "+echo", "+client", "+cluster", "+subscribe", "+auth", "+config");

            var refused = deployment.Cli("submit", sweep, "--redis-user", "sweeper", "--redis-password", "wrong");
            Assert.Equal(3, refused.ExitCode);
            Assert.Contains("refused user 'sweeper'", Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            var anonymous = deployment.Cli("submit", sweep);
            Assert.Equal(3, anonymous.ExitCode);
            Assert.Contains("NOPERM", anonymous.Stderr, StringComparison.Ordinal);

            var submitted = deployment.Cli(["submit", sweep, .. user]);
            Assert.True(submitted.ExitCode == 0, submitted.Stderr);
            using var worker = new WorkerProcess(deployment.Directory, [.. deployment.RedisArgs, .. user, "--concurrency", "1", "--lease-seconds", "2", "--poll-seconds", "0.1"]);
            Deployment.WaitUntil(() => worker.Output.Split('\n').Count(line => line.Contains("committed done", StringComparison.Ordinal)) == 2, TimeSpan.FromSeconds(30), "both runs committed by the ACL user's worker");
            var status = deployment.Cli(["status", "acl", .. user]);
            Assert.Contains("(finished)", status.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            // Authenticated as the ACL user, give the default user its rights back for the fixture's other tests.
            deployment.Database.Execute("AUTH", "sweeper", "s3cret");
            deployment.Database.Execute("ACL", "SETUSER", "default", "~*", "&*", "+@all");
        }
    }
}
