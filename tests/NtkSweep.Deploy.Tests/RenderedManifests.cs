using YamlDotNet.RepresentationModel;

namespace NtkSweep.Deploy.Tests;

/// <summary>One rendered Kubernetes object: its kind, name and the parsed document as nested maps, lists and strings.</summary>
internal sealed record KubeObject(string Kind, string Name, Dictionary<string, object?> Root)
{
    public object? At(params string[] path) => Yaml.At(Root, path);
}

/// <summary>The objects an overlay renders to, with `kubectl kustomize` (as a user would apply them).</summary>
internal static class RenderedManifests
{
    public static readonly string[] Overlays = ["local", "cluster", "cluster-cpu"];

    private static readonly Dictionary<string, IReadOnlyList<KubeObject>> Cache = new(StringComparer.Ordinal);

    public static IReadOnlyList<KubeObject> Render(string overlay)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(overlay, out var cached))
            {
                return cached;
            }

            var kubectl = ProcessRunner.Find("kubectl")
                ?? throw new InvalidOperationException("kubectl is not installed: the deployment tests render the Kustomize overlays with `kubectl kustomize` (it ships on this project's machine image; elsewhere install kubectl).");
            var outcome = ProcessRunner.Run(kubectl, ["kustomize", RepositoryPaths.Combine("deploy", "k8s", "overlays", overlay)], RepositoryPaths.Root, TimeSpan.FromMinutes(1));
            if (outcome.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize deploy/k8s/overlays/{overlay} failed: {outcome.Stderr}");
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(outcome.Stdout));
            var objects = stream.Documents
                .Select(document => (Dictionary<string, object?>)Yaml.Convert(document.RootNode)!)
                .Select(root => new KubeObject((string)root["kind"]!, (string)Yaml.At(root, "metadata", "name")!, root))
                .ToArray();
            Cache[overlay] = objects;
            return objects;
        }
    }

    /// <summary>Every pod template (Deployments, StatefulSets, Jobs) with the object it belongs to.</summary>
    public static IEnumerable<(KubeObject Owner, Dictionary<string, object?> Pod)> PodTemplates(IEnumerable<KubeObject> objects) =>
        objects
            .Where(item => item.Kind is "Deployment" or "StatefulSet" or "Job")
            .Select(item => (item, (Dictionary<string, object?>)item.At("spec", "template")!));

    public static IEnumerable<Dictionary<string, object?>> Containers(Dictionary<string, object?> pod) =>
        Yaml.List(Yaml.At(pod, "spec", "containers")).Cast<Dictionary<string, object?>>();
}

internal static class Yaml
{
    public static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(pair => ((YamlScalarNode)pair.Key).Value!, pair => Convert(pair.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    public static object? At(object? node, params string[] path)
    {
        foreach (var part in path)
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static IReadOnlyList<object?> List(object? node) => node as List<object?> ?? [];

    public static IReadOnlyDictionary<string, object?> Map(object? node) => node as Dictionary<string, object?> ?? new Dictionary<string, object?>();
}
