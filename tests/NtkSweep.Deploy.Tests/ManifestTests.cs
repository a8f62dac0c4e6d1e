using System.CommandLine;
using System.Globalization;
using System.Reflection;
using NtkSweep.Cli;
using NtkSweep.Grains;
using NtkSweep.Hosting;
using NtkSweep.Redis.Connection;
using NtkSweep.Training.Kernels;
using Orleans.Hosting.Kubernetes;

namespace NtkSweep.Deploy.Tests;

public sealed class ManifestTests
{
    private const string SiloName = "ntksweep-silo";
    private const string SubmitName = "ntksweep-submit";
    private const string RedisName = "ntksweep-redis";
    private const string ConfigName = "ntksweep-config";
    private const string ListenOption = "--listen";
    private const string ConcurrencyOption = "--concurrency";

    /// <summary>
    /// What Orleans' Kubernetes hosting reads from the environment (the silo's pod, from the downward API): not options
    /// of the program, so only the silo container may set them.
    /// </summary>
    private static readonly (string Name, string FieldPath)[] PodIdentity =
    [
        (KubernetesHostingOptions.PodNameEnvironmentVariable, "metadata.name"),
        (KubernetesHostingOptions.PodNamespaceEnvironmentVariable, "metadata.namespace"),
        (KubernetesHostingOptions.PodIPEnvironmentVariable, "status.podIP"),
    ];

    private static readonly string SlotsKey = EnvironmentKey(EngineOptions.SectionName, nameof(EngineOptions.Slots));

    private static readonly string KeyPrefixKey = EnvironmentKey(RedisOptions.SectionName, nameof(RedisOptions.KeyPrefix));

    public static TheoryData<string> Overlays => new(RenderedManifests.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Renders_AndHoldsEveryPart(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var kinds = objects.Select(item => $"{item.Kind}/{item.Name}").ToHashSet(StringComparer.Ordinal);

        foreach (var expected in new[]
        {
            "StatefulSet/ntksweep-redis", "Service/ntksweep-redis",
            "Deployment/ntksweep-silo", "Service/ntksweep-silo", "PodDisruptionBudget/ntksweep-silo",
            "ServiceAccount/ntksweep-silo", "Role/ntksweep-silo", "RoleBinding/ntksweep-silo",
            "Job/ntksweep-submit",
            "NetworkPolicy/ntksweep-default-deny", "NetworkPolicy/ntksweep-redis", "NetworkPolicy/ntksweep-silo",
            "ConfigMap/ntksweep-config", "ConfigMap/ntksweep-sweep",
        })
        {
            Assert.Contains(expected, kinds);
        }

        // The Redis-Streams design's workers, coordinator and KEDA stream trigger are gone with its commands; KEDA
        // appears only as the ScaledObject of the silos.
        Assert.DoesNotContain(objects, item => item.Name.Contains("worker", StringComparison.Ordinal) || item.Name.Contains("coordinator", StringComparison.Ordinal));
        Assert.All(
            objects.Where(item => ((string?)item.At("apiVersion") ?? string.Empty).StartsWith("keda.sh/", StringComparison.Ordinal)),
            item => Assert.Equal(("ScaledObject", SiloName), (item.Kind, item.Name)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_NeverScaleToZero(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var deployment = Assert.Single(objects, item => item.Kind == "Deployment" && item.Name == SiloName);
        var autoscalers = objects.Where(item => item.Kind is "HorizontalPodAutoscaler" or "ScaledObject").ToArray();
        if (autoscalers.Length == 0)
        {
            var replicas = Number(deployment.At("spec", "replicas") ?? "1");
            Assert.True(replicas >= 1, $"{overlay}: {replicas} silo replicas");
            return;
        }

        // One autoscaler: an HPA beside a ScaledObject (which makes its own HPA) would fight over the replica count.
        var autoscaler = Assert.Single(autoscalers);
        Assert.Equal(SiloName, autoscaler.At("spec", "scaleTargetRef", "name"));
        var least = Number(autoscaler.At("spec", autoscaler.Kind == "ScaledObject" ? "minReplicaCount" : "minReplicas") ?? "0");
        Assert.True(least >= 1, $"{overlay}: the autoscaler may scale the silos to {least}");

        // The autoscaler owns the replica count; a count in the Deployment would reset it on every apply.
        Assert.Null(deployment.At("spec", "replicas"));
    }

    [Fact]
    public void ClusterOverlay_ScalesTheSilosWithKeda_OnTheOutstandingRunsTheSilosServe()
    {
        var objects = RenderedManifests.Render("cluster");
        var scaled = Assert.Single(objects, item => item.Kind == "ScaledObject");
        Assert.Equal("keda.sh/v1alpha1", scaled.At("apiVersion"));
        Assert.Equal("Deployment", scaled.At("spec", "scaleTargetRef", "kind"));
        var trigger = Assert.Single(Yaml.List(scaled.At("spec", "triggers")));
        Assert.Equal("metrics-api", Yaml.At(trigger, "type"));
        Assert.Equal("AverageValue", Yaml.At(trigger, "metricType"));
        Assert.Equal(ClusterLoad.ScaleField, Yaml.At(trigger, "metadata", "valueLocation"));

        // The URL is the silo Service's http port in this overlay's namespace, at the path the silos serve the load on.
        var url = new Uri((string)Yaml.At(trigger, "metadata", "url")!);
        var service = Assert.Single(objects, item => item.Kind == "Service" && item.Name == SiloName);
        var http = Assert.Single(Yaml.List(service.At("spec", "ports")), port => (string?)Yaml.At(port, "name") == "http");
        Assert.Equal($"{SiloName}.{service.At("metadata", "namespace")}.svc.cluster.local", url.Host);
        Assert.Equal(Number(Yaml.At(http, "port")), url.Port);
        Assert.Equal(SiloEndpoints.ClusterLoadPath, url.AbsolutePath);

        // One silo's slots per silo wanted: the target is the slots each silo trains with.
        Assert.Equal(Number(SlotsOf(objects, SiloContainer(objects))), Number(Yaml.At(trigger, "metadata", "targetValue")));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloPods_AreAnnotatedForPrometheus_AtTheMetricsPathOnThePortOfListen(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var (_, pod) = RenderedManifests.PodTemplates(objects).Single(pair => pair.Owner.Name == SiloName);
        Assert.Equal("true", Yaml.At(pod, "metadata", "annotations", "prometheus.io/scrape"));
        Assert.Equal(SiloEndpoints.MetricsPath, Yaml.At(pod, "metadata", "annotations", "prometheus.io/path"));
        Assert.Equal(ListenPort(SiloContainer(objects)), Number(Yaml.At(pod, "metadata", "annotations", "prometheus.io/port")));
    }

    [Fact]
    public void ClusterCpuOverlay_ScalesTheSilosOnCpu_WithAPlainHorizontalPodAutoscaler()
    {
        var autoscaler = Assert.Single(RenderedManifests.Render("cluster-cpu"), item => item.Kind == "HorizontalPodAutoscaler");
        Assert.Equal("autoscaling/v2", autoscaler.At("apiVersion"));
        Assert.Equal("Deployment", autoscaler.At("spec", "scaleTargetRef", "kind"));
        Assert.Equal(SiloName, autoscaler.At("spec", "scaleTargetRef", "name"));
        var metric = Assert.Single(Yaml.List(autoscaler.At("spec", "metrics")));
        Assert.Equal("Resource", Yaml.At(metric, "type"));
        Assert.Equal("cpu", Yaml.At(metric, "resource", "name"));
        Assert.Equal("Utilization", Yaml.At(metric, "resource", "target", "type"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryContainer_HasRequestsLimits_AndTheLockedDownSecurityContext(string overlay)
    {
        foreach (var (owner, pod) in RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)))
        {
            Assert.Equal("true", Yaml.At(pod, "spec", "securityContext", "runAsNonRoot"));
            Assert.Equal("RuntimeDefault", Yaml.At(pod, "spec", "securityContext", "seccompProfile", "type"));

            // Only the silos talk to the Kubernetes API (Orleans' Kubernetes hosting); no other pod gets a token.
            AssertField($"{owner.Kind}/{owner.Name} automountServiceAccountToken", owner.Name == SiloName ? "true" : "false", Yaml.At(pod, "spec", "automountServiceAccountToken"));
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
    public void NtkSweepContainers_RunCommandsAndOptionsTheProgramHas_FromOneImage(string overlay)
    {
        var root = CliApplication.CreateRootCommand();
        var images = new HashSet<string>(StringComparer.Ordinal);
        var commands = new List<string>();
        foreach (var (owner, pod) in RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)))
        {
            foreach (var container in RenderedManifests.Containers(pod).Where(IsNtkSweep))
            {
                images.Add((string)container["image"]!);
                var where = $"{owner.Kind}/{owner.Name}";
                Assert.False(container.ContainsKey("command"), $"{where}: a command replaces the image's ntksweep entry point");

                // Parsed as the program parses its command line: unknown commands, unknown options and missing
                // values are errors.
                var args = Args(container);
                var parsed = root.Parse(args);
                Assert.Empty(parsed.Errors.Select(error => $"{where}: 'ntksweep {string.Join(' ', args)}': {error.Message}").ToArray());
                Assert.Contains(parsed.CommandResult.Command, root.Subcommands);
                commands.Add($"{owner.Name}: {parsed.CommandResult.Command.Name}");
            }
        }

        Assert.Single(images);
        Assert.Equal([$"{SiloName}: silo", $"{SubmitName}: submit"], commands.Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryConfigKeyAndEnvironmentVariable_IsAnOptionTheProgramBinds(string overlay)
    {
        var bound = BoundEnvironmentKeys();
        var objects = RenderedManifests.Render(overlay);
        var used = new List<(string Where, string Key)>();
        used.AddRange(ConfigMapData(objects).Keys.Select(key => ($"ConfigMap {ConfigName}", key)));
        foreach (var secret in objects.Where(item => item.Kind == "Secret"))
        {
            used.AddRange(Yaml.Map(secret.At("data")).Keys.Select(key => ($"Secret {secret.Name}", key)));
        }

        foreach (var (owner, pod) in RenderedManifests.PodTemplates(objects))
        {
            // Service links would add NTKSWEEP_SILO_SERVICE_HOST and the like, which the program reads as configuration.
            AssertField($"{owner.Kind}/{owner.Name} enableServiceLinks", "false", Yaml.At(pod, "spec", "enableServiceLinks"));
            foreach (var container in RenderedManifests.Containers(pod))
            {
                foreach (var variable in Env(container))
                {
                    var name = (string)variable["name"]!;
                    var podIdentity = PodIdentity.Any(identity => identity.Name == name);
                    if (owner.Name != SiloName || !podIdentity)
                    {
                        used.Add((Where: $"{owner.Name}/{container["name"]} env", Key: name));
                    }
                }
            }
        }

        Assert.NotEmpty(used);
        foreach (var (where, key) in used)
        {
            Assert.True(bound.Contains(key), $"{where}: {key} is not an option the program binds (bound: {string.Join(", ", bound.Order(StringComparer.Ordinal))})");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_TakesItsPodIdentityFromTheDownwardApi_AndLeavesTheClusterIdsToTheProgram(string overlay)
    {
        var env = Env(SiloContainer(RenderedManifests.Render(overlay)));
        foreach (var (name, fieldPath) in PodIdentity)
        {
            var variable = Assert.Single(env, item => (string?)item["name"] == name);
            Assert.Equal(fieldPath, Yaml.At(variable, "valueFrom", "fieldRef", "fieldPath"));
        }

        // Orleans' own variables would override the service and cluster ids the program derives from the key prefix.
        var overrides = new[] { KubernetesHostingOptions.ServiceIdEnvironmentVariable, KubernetesHostingOptions.ClusterIdEnvironmentVariable };
        Assert.DoesNotContain(env, item => overrides.Contains((string?)item["name"], StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloPods_CarryTheOrleansLabels_OfTheProgramsServiceIdAndClusterId(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var labels = Labels(SiloPod(objects));

        // Orleans' Kubernetes hosting watches the pods with these labels; ClusterId is the key prefix without its colon.
        var prefix = EffectiveEnvironment(objects, SiloContainer(objects)).GetValueOrDefault(KeyPrefixKey) ?? new RedisOptions().KeyPrefix;
        Assert.Equal(ClusterComposition.ServiceId, labels.GetValueOrDefault(KubernetesHostingOptions.ServiceIdLabel));
        Assert.Equal(prefix.TrimEnd(':'), labels.GetValueOrDefault(KubernetesHostingOptions.ClusterIdLabel));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_RunsAsAServiceAccount_WhoseRoleCoversKubernetesHosting(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var account = (string?)Yaml.At(SiloPod(objects), "spec", "serviceAccountName");
        Assert.NotNull(account);
        Assert.Contains(objects, item => item.Kind == "ServiceAccount" && item.Name == account);

        var binding = Assert.Single(objects, item => item.Kind == "RoleBinding"
            && Yaml.List(item.At("subjects")).Any(candidate => (string?)Yaml.At(candidate, "kind") == "ServiceAccount" && (string?)Yaml.At(candidate, "name") == account));
        var subject = Assert.Single(Yaml.List(binding.At("subjects")));
        Assert.Equal(binding.At("metadata", "namespace"), Yaml.At(subject, "namespace"));
        Assert.Equal("Role", binding.At("roleRef", "kind"));
        var role = Assert.Single(objects, item => item.Kind == "Role" && item.Name == (string?)binding.At("roleRef", "name"));

        // Read its own pod, patch the Orleans labels onto it, list and watch the cluster's pods. No delete: the program
        // leaves KubernetesHostingOptions.DeleteDefunctSiloPods off.
        var rule = Assert.Single(Yaml.List(role.At("rules")));
        Assert.Equal([string.Empty], Yaml.List(Yaml.At(rule, "apiGroups")).Cast<string>());
        Assert.Equal(["pods"], Yaml.List(Yaml.At(rule, "resources")).Cast<string>());
        Assert.Equal(["get", "list", "patch", "watch"], Yaml.List(Yaml.At(rule, "verbs")).Cast<string>().Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Probes_HitAliveAndHealth_OnThePortOfListen(string overlay)
    {
        (string Probe, string Path)[] probes = [("livenessProbe", "/alive"), ("readinessProbe", "/health"), ("startupProbe", "/alive")];
        var probed = new List<string>();
        foreach (var (owner, pod) in RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)))
        {
            foreach (var container in RenderedManifests.Containers(pod).Where(IsNtkSweep))
            {
                var where = $"{owner.Kind}/{owner.Name}";
                var listen = OptionValue<string>(Args(container), ListenOption);
                if (listen is null)
                {
                    // Nothing serves HTTP here (the submit Job runs to its end), so nothing may probe it.
                    Assert.All(probes, probe => Assert.Null(Yaml.At(container, probe.Probe)));
                    continue;
                }

                var ports = NamedPorts(container);
                foreach (var (probe, path) in probes)
                {
                    if (probe == "startupProbe" && Yaml.At(container, probe) is null)
                    {
                        continue;
                    }

                    Assert.Equal(path, Yaml.At(container, probe, "httpGet", "path"));
                    var port = (string?)Yaml.At(container, probe, "httpGet", "port") ?? string.Empty;
                    Assert.True(ports.ContainsKey(port), $"{where}: {probe} port '{port}' is not a named container port");
                    Assert.Equal(new Uri(listen).Port, ports[port]);
                }

                probed.Add(owner.Name);
            }
        }

        Assert.Equal([SiloName], probed.ToArray());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_ListensOnTheOrleansPorts_AndItsServiceExposesHttpAndTheGateway(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var container = SiloContainer(objects);
        var ports = NamedPorts(container);

        // Inside Kubernetes the silo listens on Orleans' default ports, the program's defaults too.
        var network = new SiloNetworkOptions();
        var http = ListenPort(container);
        Assert.Equal(new[] { network.SiloPort, network.GatewayPort, http }.Order().ToArray(), ports.Values.Order().ToArray());

        var service = Assert.Single(objects, item => item.Kind == "Service" && item.Name == SiloName);
        var labels = Labels(SiloPod(objects));
        var selector = Yaml.Map(service.At("spec", "selector"));
        Assert.NotEmpty(selector);
        foreach (var (key, value) in selector)
        {
            Assert.Equal(value, labels.GetValueOrDefault(key));
        }

        var targets = Yaml.List(service.At("spec", "ports"))
            .Select(port => (string)Yaml.At(port, "targetPort")!)
            .Select(target => ports.TryGetValue(target, out var number) ? number : Number(target))
            .Order()
            .ToArray();
        Assert.Equal(new[] { network.GatewayPort, http }.Order().ToArray(), targets);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPolicies_AdmitExactlyTheClustersTraffic(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var policies = objects.Where(item => item.Kind == "NetworkPolicy").ToArray();
        var pods = RenderedManifests.PodTemplates(objects).Select(pair => (pair.Owner.Name, Labels: Labels(pair.Pod))).ToArray();

        var network = new SiloNetworkOptions();
        var http = ListenPort(SiloContainer(objects));
        var (_, redisPod) = RenderedManifests.PodTemplates(objects).Single(pair => pair.Owner.Name == RedisName);
        var redis = Assert.Single(NamedPorts(Assert.Single(RenderedManifests.Containers(redisPod))).Values);
        Assert.EndsWith($":{redis}", (string)ConfigMapData(objects)[EnvironmentKey(RedisOptions.SectionName, null)]!, StringComparison.Ordinal);

        // Source pod (or * for any source) and port, per protected pod.
        var expected = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [RedisName] = [$"{SiloName}:{redis}", $"{SubmitName}:{redis}"],
            [SiloName] = [$"namespace keda:{http}", $"namespace monitoring:{http}", $"{SiloName}:{network.SiloPort}", $"{SiloName}:{network.GatewayPort}", $"{SubmitName}:{network.GatewayPort}"],
            [SubmitName] = [],
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal).ToArray(), pods.Select(pod => pod.Name).Order(StringComparer.Ordinal).ToArray());

        foreach (var (name, labels) in pods)
        {
            var selecting = policies.Where(policy => Selects(policy.At("spec", "podSelector"), labels)).ToArray();
            Assert.True(selecting.Length > 0, $"{name}: no NetworkPolicy selects it, so it admits everything");
            foreach (var policy in selecting)
            {
                Assert.Equal(["Ingress"], Yaml.List(policy.At("spec", "policyTypes")).Cast<string>());
            }

            var admitted = selecting
                .SelectMany(policy => Yaml.List(policy.At("spec", "ingress")))
                .SelectMany(rule => Admitted(name, rule, pods))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(expected[name].Order(StringComparer.Ordinal).Select(entry => $"{name} <- {entry}").ToArray(), admitted.Select(entry => $"{name} <- {entry}").ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloCpuRequest_EqualsItsTrainingSlots(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var container = SiloContainer(objects);
        Assert.Equal(SlotsOf(objects, container), Yaml.At(container, "resources", "requests", "cpu"));
    }

    /// <summary>The training slots of the silo container (without a slot count a silo takes one per core of the node).</summary>
    private static string SlotsOf(IReadOnlyList<KubeObject> objects, Dictionary<string, object?> container) =>
        OptionValue<int?>(Args(container), ConcurrencyOption)?.ToString(CultureInfo.InvariantCulture)
            ?? EffectiveEnvironment(objects, container).GetValueOrDefault(SlotsKey)
            ?? throw new InvalidOperationException("the silo container sets no slot count");

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_GracePeriod_CoversTheProgramsShutdown(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var grace = Number(Yaml.At(SiloPod(objects), "spec", "terminationGracePeriodSeconds") ?? "30");

        // On SIGTERM the silo checkpoints its runs and leaves the cluster within the CLI's shutdown grace.
        Assert.True(grace > CliApplication.ShutdownGrace.TotalSeconds, $"terminationGracePeriodSeconds {grace} does not exceed the program's {CliApplication.ShutdownGrace.TotalSeconds} s");

        var budget = Assert.Single(objects, item => item.Kind == "PodDisruptionBudget" && item.Name == SiloName);
        Assert.True(Selects(budget.At("spec", "selector"), Labels(SiloPod(objects))), "the PodDisruptionBudget does not select the silos");
        Assert.Equal("1", budget.At("spec", "maxUnavailable"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Redis_KeepsAnAppendOnlyFile(string overlay)
    {
        var (_, pod) = RenderedManifests.PodTemplates(RenderedManifests.Render(overlay)).Single(pair => pair.Owner.Name == RedisName);
        var container = Assert.Single(RenderedManifests.Containers(pod));
        var line = string.Join(' ', Yaml.List(container.GetValueOrDefault("command")).Concat(Yaml.List(container.GetValueOrDefault("args"))));
        Assert.Contains("--appendonly yes", line, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SubmitJob_SubmitsASweepFileOfItsConfigMap(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);
        var (_, pod) = RenderedManifests.PodTemplates(objects).Single(pair => pair.Owner.Name == SubmitName);
        var container = Assert.Single(RenderedManifests.Containers(pod));
        var args = Args(container);
        Assert.Equal("submit", args[0]);

        var file = args[1];
        var slash = file.LastIndexOf('/');
        var mount = Assert.Single(Yaml.List(container.GetValueOrDefault("volumeMounts")), item => (string?)Yaml.At(item, "mountPath") == file[..slash]);
        var volume = Assert.Single(Yaml.List(Yaml.At(pod, "spec", "volumes")), item => (string?)Yaml.At(item, "name") == (string?)Yaml.At(mount, "name"));
        var configMap = Assert.Single(objects, item => item.Kind == "ConfigMap" && item.Name == (string?)Yaml.At(volume, "configMap", "name"));
        Assert.Contains(file[(slash + 1)..], Yaml.Map(configMap.At("data")).Keys);
    }

    [Fact]
    public void SweepConfigMap_IsTheRepositorysQuickSweep()
    {
        Assert.Equal(
            File.ReadAllText(RepositoryPaths.Combine("sweeps", "quick.yaml")),
            File.ReadAllText(RepositoryPaths.Combine("deploy", "k8s", "base", "sweeps", "quick.yaml")));
    }

    /// <summary>
    /// The environment keys the program reads: NTKSWEEP_&lt;SECTION&gt;__&lt;PROPERTY&gt; for every settable property of its options
    /// classes (read by reflection, not copied), the Redis section's own value, and the kernel-path variable.
    /// </summary>
    internal static HashSet<string> BoundEnvironmentKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal)
        {
            EnvironmentKey(RedisOptions.SectionName, null),
            NtkSweep.Cli.Commands.KernelChoice.EnvironmentVariable,
        };
        foreach (var (section, type) in new[] { (RedisOptions.SectionName, typeof(RedisOptions)), (EngineOptions.SectionName, typeof(EngineOptions)) })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.SetMethod is { IsPublic: true }))
            {
                keys.Add(EnvironmentKey(section, property.Name));
            }
        }

        return keys;
    }

    /// <summary>NTKSWEEP_SECTION__PROPERTY, or NTKSWEEP_SECTION for the section's own value (how the program binds environment variables).</summary>
    private static string EnvironmentKey(string section, string? property) =>
        RedisOptions.EnvironmentPrefix + section.ToUpperInvariant() + (property is null ? string.Empty : "__" + property.ToUpperInvariant());

    private static void AssertField(string where, string expected, object? actual) => Assert.Equal($"{where}: {expected}", $"{where}: {actual}");

    private static bool IsNtkSweep(Dictionary<string, object?> container) => ((string)container["image"]!).Contains("ntksweep", StringComparison.Ordinal);

    private static string[] Args(Dictionary<string, object?> container) => Yaml.List(container.GetValueOrDefault("args")).Cast<string>().ToArray();

    private static Dictionary<string, object?>[] Env(Dictionary<string, object?> container) =>
        Yaml.List(container.GetValueOrDefault("env")).Cast<Dictionary<string, object?>>().ToArray();

    private static int Number(object? value) => int.Parse((string)value!, CultureInfo.InvariantCulture);

    private static Dictionary<string, int> NamedPorts(Dictionary<string, object?> container) =>
        Yaml.List(container.GetValueOrDefault("ports")).Cast<Dictionary<string, object?>>()
            .ToDictionary(port => (string)port["name"]!, port => Number(port["containerPort"]), StringComparer.Ordinal);

    private static Dictionary<string, string> Labels(Dictionary<string, object?> pod) =>
        Yaml.Map(Yaml.At(pod, "metadata", "labels")).ToDictionary(label => label.Key, label => (string)label.Value!, StringComparer.Ordinal);

    private static Dictionary<string, object?> SiloPod(IReadOnlyList<KubeObject> objects) =>
        RenderedManifests.PodTemplates(objects).Single(pair => pair.Owner.Name == SiloName).Pod;

    private static Dictionary<string, object?> SiloContainer(IReadOnlyList<KubeObject> objects) => RenderedManifests.Containers(SiloPod(objects)).Single();

    private static IReadOnlyDictionary<string, object?> ConfigMapData(IReadOnlyList<KubeObject> objects) =>
        Yaml.Map(objects.Single(item => item.Kind == "ConfigMap" && item.Name == ConfigName).At("data"));

    /// <summary>The port of the silo's --listen URL: where it serves /alive, /health and the API.</summary>
    private static int ListenPort(Dictionary<string, object?> container) =>
        new Uri(OptionValue<string>(Args(container), ListenOption) ?? throw new InvalidOperationException($"the container runs without {ListenOption}")).Port;

    /// <summary>The value the program parses for an option of a container's command line (default when the command has no such option or it is not given).</summary>
    private static T? OptionValue<T>(IReadOnlyList<string> args, string name)
    {
        var parsed = CliApplication.CreateRootCommand().Parse(args);
        return parsed.CommandResult.Command.Options.FirstOrDefault(candidate => candidate.Name == name) is Option<T> option ? parsed.GetValue(option) : default;
    }

    /// <summary>The variables a container sees from its ConfigMaps (envFrom) and its own literal env entries, which win.</summary>
    private static Dictionary<string, string> EffectiveEnvironment(IReadOnlyList<KubeObject> objects, Dictionary<string, object?> container)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in Yaml.List(container.GetValueOrDefault("envFrom")))
        {
            if (Yaml.At(source, "configMapRef", "name") is string name)
            {
                foreach (var (key, value) in Yaml.Map(objects.Single(item => item.Kind == "ConfigMap" && item.Name == name).At("data")))
                {
                    values[key] = (string)value!;
                }
            }
        }

        foreach (var variable in Env(container))
        {
            if (variable.GetValueOrDefault("value") is string value)
            {
                values[(string)variable["name"]!] = value;
            }
        }

        return values;
    }

    /// <summary>"source:port" for every pod (or * for any source) one ingress rule admits, on every port it lists.</summary>
    private static IEnumerable<string> Admitted(string protectedPod, object? rule, IReadOnlyList<(string Name, Dictionary<string, string> Labels)> pods)
    {
        var ports = Yaml.List(Yaml.At(rule, "ports"));
        Assert.True(ports.Count > 0, $"{protectedPod}: an ingress rule without ports admits every port");
        var peers = Yaml.List(Yaml.At(rule, "from"));
        var sources = new List<string>();
        if (peers.Count == 0)
        {
            sources.Add("*");
        }

        foreach (var peer in peers)
        {
            // Pods of this namespace, or every pod of a namespace named by its name label (the monitoring); an ipBlock
            // or a combined selector would admit more than the test can see.
            var keys = Yaml.Map(peer).Keys.ToArray();
            if (keys is ["namespaceSelector"])
            {
                var byName = Yaml.Map(Yaml.At(peer, "namespaceSelector", "matchLabels"));
                Assert.Equal(["kubernetes.io/metadata.name"], byName.Keys.ToArray());
                Assert.Null(Yaml.At(peer, "namespaceSelector", "matchExpressions"));
                sources.Add("namespace " + (string)byName["kubernetes.io/metadata.name"]!);
                continue;
            }

            Assert.Equal(["podSelector"], keys);
            sources.AddRange(pods.Where(pod => Selects(Yaml.At(peer, "podSelector"), pod.Labels)).Select(pod => pod.Name));
        }

        var admitted = new List<string>();
        foreach (var port in ports)
        {
            Assert.Equal("TCP", (string?)Yaml.At(port, "protocol") ?? "TCP");
            var number = Number(Yaml.At(port, "port"));
            admitted.AddRange(sources.Select(source => string.Create(CultureInfo.InvariantCulture, $"{source}:{number}")));
        }

        return admitted;
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
