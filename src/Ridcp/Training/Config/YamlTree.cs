using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Ridcp.Training.Config;

/// <summary>Turns a YAML document into plain objects: mappings become Dictionary&lt;string, object?&gt; (ordered as
/// written), sequences List&lt;object?&gt;, scalars long / double / bool / string / null (YAML 1.1 style: ~, null,
/// true/false; "!!float 1e-4" and "1e-4" are doubles).
/// A config is data typed by hand, so the YAML features that only an attacker needs are refused before the document
/// is built: anchors and aliases (an 11-byte self-alias recurses forever, a 441-byte "billion laughs" expands to
/// gigabytes), tags other than the standard scalar ones (`!!python/object` …), more than <see cref="MaxNodes"/>
/// nodes or deeper nesting than <see cref="MaxDepth"/>, and duplicate keys.</summary>
public static class YamlTree
{
    public const int MaxNodes = 100_000, MaxDepth = 32, MaxChars = 1 << 20;

    static readonly HashSet<string> StandardTags =
    [
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
    ];

    public static Dictionary<string, object?> Parse(string text, string source)
    {
        if (text.Length > MaxChars) throw new FormatException($"{source}: a config of {text.Length} characters; at most {MaxChars}");
        var stream = new YamlStream();
        try
        {
            Screen(text, source);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) { throw new FormatException($"{source}: YAML error at line {e.Start.Line}: {e.Message}", e); }
        // YamlDotNet reports some malformed input with other exceptions (found by fuzzing, docs/fuzzing.md):
        // '!!]' gives ArgumentException (tag URI), some plain scalars InvalidOperationException from its scanner.
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"{source}: not valid YAML ({e.Message})", e);
        }
        if (stream.Documents.Count == 0) return new();
        return Convert(stream.Documents[0].RootNode, source) as Dictionary<string, object?>
            ?? throw new FormatException($"{source}: the top level must be a mapping");
    }

    /// <summary>Walks the parser's events (iteratively, without building anything) and refuses what a config never needs.</summary>
    static void Screen(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        int nodes = 0, depth = 0;
        while (parser.MoveNext())
        {
            var ev = parser.Current!;
            string line = $"{source}: line {ev.Start.Line}";
            switch (ev)
            {
                case AnchorAlias a:
                    throw new FormatException($"{line}: YAML aliases (*{a.Value}) are not allowed in a config; write the value out");
                case NodeEvent n when !n.Anchor.IsEmpty:
                    throw new FormatException($"{line}: YAML anchors (&{n.Anchor}) are not allowed in a config; write the value out");
                case NodeEvent n when !n.Tag.IsEmpty && !StandardTags.Contains(n.Tag.Value):
                    throw new FormatException($"{line}: YAML tag '{n.Tag.Value}' is not allowed in a config (only !!str, !!int, !!float, !!bool, !!null)");
            }
            if (ev is NodeEvent && ++nodes > MaxNodes) throw new FormatException($"{source}: more than {MaxNodes} YAML nodes; not a config");
            if (ev is MappingStart or SequenceStart && ++depth > MaxDepth) throw new FormatException($"{line}: nested deeper than {MaxDepth} levels; not a config");
            if (ev is MappingEnd or SequenceEnd) depth--;
        }
    }

    private static object? Convert(YamlNode node, string source) => node switch
    {
        YamlMappingNode m => Mapping(m, source),
        YamlSequenceNode s => s.Children.Select(c => Convert(c, source)).ToList(),
        YamlScalarNode sc => Scalar(sc),
        _ => null,
    };

    private static Dictionary<string, object?> Mapping(YamlMappingNode m, string source)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, v) in m.Children)
        {
            if (k is not YamlScalarNode key) throw new FormatException($"{source}: line {k.Start.Line}: a key must be a plain value");
            if (!d.TryAdd(key.Value ?? "", Convert(v, source))) throw new FormatException($"{source}: line {k.Start.Line}: key '{key.Value}' given twice");
        }
        return d;
    }

    private static object? Scalar(YamlScalarNode s)
    {
        string v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) return v;
        if (!s.Tag.IsEmpty && s.Tag.Value == "tag:yaml.org,2002:str") return v;
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return true;
        if (v is "false" or "False" or "FALSE") return false;
        if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific && s.Tag.Value == "tag:yaml.org,2002:float" && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double f)) return f;
        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)) return l;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        return v;
    }
}
