using System.Reflection;

namespace Ridcp.Core;

/// <summary>Version strings of assemblies as their packages state them (for `ridcp info` and reports).</summary>
public static class Versions
{
    /// <summary>The informational version without the "+commit" suffix the SDK appends; else the assembly version.</summary>
    public static string Informational(Assembly assembly)
    {
        string? v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(v)) return assembly.GetName().Version?.ToString() ?? "unknown";
        int plus = v.IndexOf('+');
        return plus < 0 ? v : v[..plus];
    }
}
