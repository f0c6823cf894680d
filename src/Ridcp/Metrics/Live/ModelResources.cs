using System.Reflection;

namespace Ridcp.Metrics.Live;

/// <summary>The LIVE model files embedded in the assembly (src/Ridcp/Metrics/Models, see NOTICE.md there for their
/// source, SHA-256 and the UT Austin notice).</summary>
internal static class ModelResources
{
    public static Stream Open(string fileName)
    {
        var asm = typeof(ModelResources).Assembly;
        return asm.GetManifestResourceStream("Ridcp.Metrics.Models." + fileName)
               ?? throw new InvalidOperationException($"embedded metric model '{fileName}' is missing from {asm.GetName().Name}");
    }

    public static Dictionary<string, MatFile.Matrix> Mat(string fileName)
    {
        using var s = Open(fileName);
        return MatFile.Read(s);
    }
}
