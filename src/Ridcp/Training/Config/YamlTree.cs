using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Ridcp.Training.Config;

/// <summary>Turns a YAML document into plain objects: mappings become Dictionary&lt;string, object?&gt; (ordered as
/// written), sequences List&lt;object?&gt;, scalars long / double / bool / string / null (YAML 1.1 style: ~, null,
/// true/false; "!!float 1e-4" and "1e-4" are doubles).</summary>
public static class YamlTree
{
    public static Dictionary<string, object?> Parse(string text, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlDotNet.Core.YamlException e) { throw new FormatException($"{source}: YAML error at line {e.Start.Line}: {e.Message}", e); }
        if (stream.Documents.Count == 0) return new();
        return Convert(stream.Documents[0].RootNode) as Dictionary<string, object?>
            ?? throw new FormatException($"{source}: the top level must be a mapping");
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => Convert(kv.Value)),
        YamlSequenceNode s => s.Children.Select(Convert).ToList(),
        YamlScalarNode sc => Scalar(sc),
        _ => null,
    };

    private static object? Scalar(YamlScalarNode s)
    {
        string v = s.Value ?? "";
        if (s.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) return v;
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return true;
        if (v is "false" or "False" or "FALSE") return false;
        if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific && s.Tag.Value == "tag:yaml.org,2002:float" && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double f)) return f;
        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)) return l;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        return v;
    }
}
