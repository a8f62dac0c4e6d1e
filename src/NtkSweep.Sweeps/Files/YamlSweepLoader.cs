using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace NtkSweep.Sweeps.Files;

/// <summary>
/// Loads a sweep file's YAML into the representation model (so every node keeps its line) while reporting every
/// duplicate key instead of stopping at the first. YamlDotNet refuses a document with a duplicate key outright; the
/// loader drops each later duplicate (key and value) from the event stream and keeps the first, so that the rest of
/// the file can still be checked.
/// </summary>
internal static class YamlSweepLoader
{
    /// <summary>The file's root mapping, or null when the YAML is unusable (its problem is reported).</summary>
    public static YamlMappingNode? LoadRoot(string text, Action<int, string, string> report)
    {
        var events = ReadEvents(text, report);
        if (events is null)
        {
            return null;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new ReplayParser(WithoutDuplicateKeys(events, report)));
        }
        catch (YamlException error)
        {
            report(LineOf(error.Start), "yaml", error.Message);
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            report(
                LineOf(stream.Documents[1].RootNode.Start),
                "yaml",
                $"a sweep file holds one YAML document, not {stream.Documents.Count}; remove the '---' separators");
        }

        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        switch (root)
        {
            case YamlMappingNode mapping:
                return mapping;
            case null or YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" }:
                report(1, "yaml", "the sweep file is empty; a sweep needs at least a name");
                return null;
            default:
                report(LineOf(root.Start), "yaml", "a sweep file must be a mapping of keys (name, description, fixed, axes, seeds, report)");
                return null;
        }
    }

    /// <summary>A 1-based line number as an int (YamlDotNet's marks are 1-based).</summary>
    public static int LineOf(Mark mark) => (int)Math.Clamp(mark.Line, 1, int.MaxValue);

    private static List<ParsingEvent>? ReadEvents(string text, Action<int, string, string> report)
    {
        var events = new List<ParsingEvent>();
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                events.Add(parser.Current!);
            }

            return events;
        }
        catch (YamlException error)
        {
            // YamlDotNet puts a tab in the indentation at the mapping it was scanning; point at the tab instead.
            var tabLine = error.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) ? LineWithIndentingTab(text) : null;
            report(tabLine ?? LineOf(error.Start), "yaml", tabLine is null
                ? $"malformed YAML: {error.Message}"
                : "malformed YAML: a tab in the indentation (YAML indents with spaces only)");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner can fail this way on some unterminated flow collections; the last event it
            // produced is the best available position.
            var line = events.Count == 0 ? 1 : LineOf(events[^1].End);
            report(line, "yaml", "malformed YAML near here (check brackets, quotes and indentation)");
            return null;
        }
    }

    /// <summary>The first 1-based line whose indentation holds a tab, or null.</summary>
    private static int? LineWithIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indentation = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            if (lines[i].AsSpan(0, indentation).Contains('\t'))
            {
                return i + 1;
            }
        }

        return null;
    }

    private static List<ParsingEvent> WithoutDuplicateKeys(List<ParsingEvent> events, Action<int, string, string> report)
    {
        var kept = new List<ParsingEvent>(events.Count);
        var index = 0;
        while (index < events.Count)
        {
            if (events[index] is NodeEvent)
            {
                index = CopyNode(events, index, kept, report);
            }
            else
            {
                kept.Add(events[index]);
                index++;
            }
        }

        return kept;
    }

    /// <summary>Copies the node starting at <paramref name="index"/>; returns the index after it.</summary>
    private static int CopyNode(List<ParsingEvent> events, int index, List<ParsingEvent> kept, Action<int, string, string> report)
    {
        var start = events[index];
        kept.Add(start);
        index++;
        switch (start)
        {
            case MappingStart:
                var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
                while (events[index] is not MappingEnd)
                {
                    if (events[index] is Scalar key)
                    {
                        if (firstLines.TryGetValue(key.Value, out var firstLine))
                        {
                            report(LineOf(key.Start), key.Value, $"duplicate key '{key.Value}' (first given on line {firstLine}); this one is ignored");
                            index = SkipNode(events, SkipNode(events, index));
                            continue;
                        }

                        firstLines[key.Value] = LineOf(key.Start);
                    }

                    index = CopyNode(events, index, kept, report);
                    index = CopyNode(events, index, kept, report);
                }

                kept.Add(events[index]);
                return index + 1;
            case SequenceStart:
                while (events[index] is not SequenceEnd)
                {
                    index = CopyNode(events, index, kept, report);
                }

                kept.Add(events[index]);
                return index + 1;
            default:
                return index;
        }
    }

    private static int SkipNode(List<ParsingEvent> events, int index)
    {
        var depth = 0;
        do
        {
            depth += events[index].NestingIncrease;
            index++;
        }
        while (depth > 0);
        return index;
    }

    /// <summary>Feeds recorded events to the representation model.</summary>
    private sealed class ReplayParser(IReadOnlyList<ParsingEvent> events) : IParser
    {
        private int position = -1;

        public ParsingEvent? Current => position >= 0 && position < events.Count ? events[position] : null;

        public bool MoveNext()
        {
            if (position < events.Count)
            {
                position++;
            }

            return position < events.Count;
        }
    }
}
