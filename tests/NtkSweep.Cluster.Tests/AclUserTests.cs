namespace NtkSweep.Cluster.Tests;

/// <summary>
/// An ACL user (Redis 6+) sent through ConfigurationOptions.User: the silo's Orleans providers and the result store,
/// and the clients, all authenticate as it. The default user here may only do the handshake.
/// </summary>
public sealed class AclUserTests(RedisServer server) : IClassFixture<RedisServer>
{
    [Fact]
    public void An_acl_user_runs_a_silo_and_a_sweep_a_wrong_password_or_no_user_is_a_clear_error()
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
            deployment.Database.Execute("ACL", "SETUSER", "default", "resetkeys", "resetchannels", "-@all", "+ping", "+info", "+echo", "+client", "+cluster", "+subscribe", "+auth", "+config", "+hello");

            var refused = deployment.Cli("submit", sweep, "--redis-user", "sweeper", "--redis-password", "wrong");
            Assert.Equal(3, refused.ExitCode);
            Assert.Contains("refused the credentials", Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

            deployment.StartSilo(extra: user);
            var submitted = deployment.Cli(["submit", sweep, .. user]);
            Assert.True(submitted.ExitCode == 0, submitted.Stderr);
            var asUser = StackExchange.Redis.ConfigurationOptions.Parse(server.Endpoint);
            asUser.User = "sweeper";
            asUser.Password = "s3cret";
            using (var connection = StackExchange.Redis.ConnectionMultiplexer.Connect(asUser))
            {
                Deployment.WaitUntil(() => connection.GetDatabase().HashLength(deployment.Keys.Results) == 2, TimeSpan.FromSeconds(60), "both runs stored by the ACL user's silo");
            }

            Deployment.WaitUntil(() => deployment.Cli(["status", "acl", .. user]).Stdout.Contains("(finished)", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the ACL user's sweep to finish");
        }
        finally
        {
            // Authenticated as the ACL user, give the default user its rights back for the fixture's other tests.
            deployment.Database.Execute("AUTH", "sweeper", "s3cret");
            deployment.Database.Execute("ACL", "SETUSER", "default", "~*", "&*", "+@all");
        }
    }
}
