using System.Reflection;
using NtkSweep.Cli;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Coordination;
using NtkSweep.Redis.Workers;
using NtkSweep.Training.Kernels;

namespace NtkSweep.Deploy.Tests;

public sealed class ManifestTests
{
    public static TheoryData<string> Overlays => new(RenderedManifests.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Renders_AndHoldsEveryPart(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var kinds = objects.Select(item => $"{item.Kind}/{item.Name}").ToHashSet(StringComparer.Ordinal);

        foreach (var expected in new[] { "StatefulSet/ntksweep-redis", "Service/ntksweep-redis", "Deployment/ntksweep-coordinator", "Service/ntksweep-coordinator", "Deployment/ntksweep-worker", "PodDisruptionBudget/ntksweep-worker", "Job/ntksweep-submit", "NetworkPolicy/ntksweep-redis", "ConfigMap/ntksweep-config", "ConfigMap/ntksweep-sweep" })
        {
            Assert.Contains(expected, kinds);
        }
    }

    [Fact]
    public void ClusterOverlay_ScalesWorkersWithKeda_OnTheSweepStream()
    {
        var scaled = Assert.Single(RenderedManifests.Render("cluster"), item => item.Kind == "ScaledObject");
        Assert.Equal("ntksweep-worker", scaled.At("spec", "scaleTargetRef", "name"));
        var trigger = (Dictionary<string, object?>)Yaml.List(scaled.At("spec", "triggers"))[0]!;
        Assert.Equal("redis-streams", Yaml.At(trigger, "type"));
        Assert.Equal(NtkSweep.Redis.Queue.RedisKeys.Group, Yaml.At(trigger, "metadata", "consumerGroup"));
        var prefix = (string)ConfigMapData("cluster")["NTKSWEEP_REDIS__KEYPREFIX"]!;
        Assert.Equal(new NtkSweep.Redis.Queue.RedisKeys(prefix).Stream("quick").ToString(), Yaml.At(trigger, "metadata", "stream"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryContainer_HasRequestsLimits_AndTheLockedDownSecurityContext(string overlay)
    {
        foreach (var (owner, pod) in RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)))
        {
            Assert.Equal("true", Yaml.At(pod, "spec", "securityContext", "runAsNonRoot"));
            Assert.Equal("RuntimeDefault", Yaml.At(pod, "spec", "securityContext", "seccompProfile", "type"));
            foreach (var container in RenderedManifests.Containers(pod))
            {
                var where = $"{owner.Kind}/{owner.Name} container {container["name"]}";
                foreach (var kind in new[] { "requests", "limits" })
                {
                    Assert.True(Yaml.At(container, "resources", kind, "cpu") is string, $"{where}: no {kind}.cpu");
                    Assert.True(Yaml.At(container, "resources", kind, "memory") is string, $"{where}: no {kind}.memory");
                }

                Assert.Equal("false", Yaml.At(container, "securityContext", "allowPrivilegeEscalation"));
                Assert.Equal("true", Yaml.At(container, "securityContext", "readOnlyRootFilesystem"));
                Assert.Equal(["ALL"], Yaml.List(Yaml.At(container, "securityContext", "capabilities", "drop")).Cast<string>());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NtkSweepContainers_RunCommandsTheProgramHas_FromOneImage(string overlay)
    {
        var commands = CliApplication.CreateRootCommand().Subcommands.Select(command => command.Name).ToHashSet(StringComparer.Ordinal);
        var images = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (owner, pod) in RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)))
        {
            foreach (var container in RenderedManifests.Containers(pod).Where(IsNtkSweep))
            {
                images.Add((string)container["image"]!);
                var args = Yaml.List(container["args"]).Cast<string>().ToArray();
                Assert.True(args.Length > 0 && commands.Contains(args[0]), $"{owner.Name}: '{string.Join(' ', args)}' is not an ntksweep command ({string.Join(", ", commands.Order())})");
            }
        }

        Assert.Single(images);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryConfigKeyAndEnvironmentVariable_IsAnOptionTheProgramBinds(string overlay)
    {
        var bound = BoundEnvironmentKeys();
        var objects = RenderedManifests.Render(overlay);
        var used = new List<(string Where, string Key)>();
        used.AddRange(ConfigMapData(overlay).Keys.Select(key => ("ConfigMap ntksweep-config", key)));
        foreach (var secret in objects.Where(item => item.Kind == "Secret"))
        {
            used.AddRange(Yaml.Map(secret.At("data")).Keys.Select(key => ($"Secret {secret.Name}", key)));
        }

        foreach (var (owner, pod) in RenderedManifests.PodTemplates(objects))
        {
            foreach (var container in RenderedManifests.Containers(pod))
            {
                foreach (var variable in Yaml.List(container.GetValueOrDefault("env")).Cast<Dictionary<string, object?>>())
                {
                    used.Add(($"{owner.Name}/{container["name"]} env", (string)variable["name"]!));
                }
            }
        }

        Assert.NotEmpty(used);
        foreach (var (where, key) in used)
        {
            Assert.True(bound.Contains(key), $"{where}: {key} is not an option the program binds (bound: {string.Join(", ", bound.Order())})");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Probes_UseThePathsAndPortsTheProgramServes(string overlay)
    {
        var probed = 0;
        foreach (var (owner, pod) in RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)))
        {
            foreach (var container in RenderedManifests.Containers(pod).Where(IsNtkSweep))
            {
                var ports = Yaml.List(container.GetValueOrDefault("ports")).Cast<Dictionary<string, object?>>()
                    .ToDictionary(port => (string)port["name"]!, port => int.Parse((string)port["containerPort"]!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
                foreach (var (probe, path) in new[] { ("livenessProbe", "/alive"), ("readinessProbe", "/health") })
                {
                    if (Yaml.At(container, probe) is null)
                    {
                        Assert.Equal("Job", owner.Kind);
                        continue;
                    }

                    Assert.Equal(path, Yaml.At(container, probe, "httpGet", "path"));
                    var port = (string)Yaml.At(container, probe, "httpGet", "port")!;
                    Assert.True(ports.ContainsKey(port), $"{owner.Name}: probe port '{port}' is not a named container port");
                    Assert.Equal(ListenPort(owner.Name, container), ports[port]);
                    probed++;
                }
            }
        }

        Assert.Equal(4, probed);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPolicy_AdmitsOnlyNtkSweepPods_ToRedis(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var policy = Assert.Single(objects, item => item.Kind == "NetworkPolicy");
        var pods = RenderedManifests.PodTemplates(objects)
            .Select(pair => (pair.Owner.Name, Labels: Yaml.Map(Yaml.At(pair.Pod, "metadata", "labels")).ToDictionary(label => label.Key, label => (string)label.Value!)))
            .ToArray();

        var protectedPods = pods.Where(pod => Selects(policy.At("spec", "podSelector"), pod.Labels)).Select(pod => pod.Name).ToArray();
        Assert.Equal(["ntksweep-redis"], protectedPods);

        var rule = (Dictionary<string, object?>)Yaml.List(policy.At("spec", "ingress"))[0]!;
        var admitted = pods
            .Where(pod => Yaml.List(rule["from"]).Any(peer => Selects(Yaml.At(peer, "podSelector"), pod.Labels)))
            .Select(pod => pod.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(["ntksweep-coordinator", "ntksweep-submit", "ntksweep-worker"], admitted);
        Assert.Equal("6379", Yaml.At(Yaml.List(rule["ports"])[0], "port"));
    }

    [Fact]
    public void SweepConfigMap_IsTheRepositorysQuickSweep()
    {
        Assert.Equal(
            File.ReadAllText(RepositoryPaths.Combine("sweeps", "quick.yaml")),
            File.ReadAllText(RepositoryPaths.Combine("deploy", "k8s", "base", "sweeps", "quick.yaml")));
    }

    [Fact]
    public void WorkerCpuRequest_MatchesItsRunConcurrency()
    {
        foreach (var overlay in RenderedManifests.Overlays)
        {
            var (_, pod) = RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)).Single(pair => pair.Owner.Name == "ntksweep-worker");
            var container = RenderedManifests.Containers(pod).Single();
            var concurrency = Yaml.List(container.GetValueOrDefault("env")).Cast<Dictionary<string, object?>>()
                .Where(variable => (string)variable["name"]! == "NTKSWEEP_WORKER__CONCURRENCY")
                .Select(variable => (string)variable["value"]!)
                .LastOrDefault() ?? (string)ConfigMapData(overlay)["NTKSWEEP_WORKER__CONCURRENCY"]!;
            Assert.Equal(concurrency, Yaml.At(container, "resources", "requests", "cpu"));
        }
    }

    private static bool IsNtkSweep(Dictionary<string, object?> container) => ((string)container["image"]!).Contains("ntksweep", StringComparison.Ordinal);

    private static Dictionary<string, object?> ConfigMapData(string overlay) =>
        (Dictionary<string, object?>)RenderedManifests.Render(overlay).Single(item => item.Kind == "ConfigMap" && item.Name == "ntksweep-config").At("data")!;

    /// <summary>The port the program listens on in this pod: the coordinator's or the worker's listen option.</summary>
    private static int ListenPort(string owner, Dictionary<string, object?> container)
    {
        var key = owner == "ntksweep-coordinator" ? "NTKSWEEP_COORDINATOR__LISTEN" : "NTKSWEEP_WORKER__HEALTHLISTEN";
        var fromEnv = Yaml.List(container.GetValueOrDefault("env")).Cast<Dictionary<string, object?>>()
            .FirstOrDefault(variable => (string)variable["name"]! == key)?["value"] as string;
        var url = fromEnv ?? (string)ConfigMapData(RenderedManifests.Overlays[0])[key]!;
        return new Uri(url).Port;
    }

    /// <summary>
    /// The environment keys the program reads: NTKSWEEP_&lt;SECTION&gt;__&lt;PROPERTY&gt; for every settable property of its options
    /// classes (read by reflection, not copied), the Redis section's own value, and the kernel-path variable.
    /// </summary>
    internal static HashSet<string> BoundEnvironmentKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal)
        {
            RedisOptions.EnvironmentPrefix + RedisOptions.SectionName.ToUpperInvariant(),
            KernelSelector.EnvironmentVariable,
        };
        foreach (var (section, type) in new[] { (RedisOptions.SectionName, typeof(RedisOptions)), (WorkerOptions.SectionName, typeof(WorkerOptions)), (CoordinatorOptions.SectionName, typeof(CoordinatorOptions)) })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.SetMethod is { IsPublic: true }))
            {
                keys.Add($"{RedisOptions.EnvironmentPrefix}{section.ToUpperInvariant()}__{property.Name.ToUpperInvariant()}");
            }
        }

        return keys;
    }

    /// <summary>Whether a Kubernetes label selector (matchLabels and In expressions) selects these labels.</summary>
    private static bool Selects(object? selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in Yaml.Map(Yaml.At(selector, "matchLabels")))
        {
            if (!labels.TryGetValue(key, out var actual) || actual != (string)value!)
            {
                return false;
            }
        }

        foreach (var expression in Yaml.List(Yaml.At(selector, "matchExpressions")))
        {
            Assert.Equal("In", Yaml.At(expression, "operator"));
            var key = (string)Yaml.At(expression, "key")!;
            var values = Yaml.List(Yaml.At(expression, "values")).Cast<string>();
            if (!labels.TryGetValue(key, out var actual) || !values.Contains(actual))
            {
                return false;
            }
        }

        return true;
    }
}
