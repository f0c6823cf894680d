using System.Globalization;

namespace Ridcp.Inference.Streaming;

/// <summary>The --max-memory budget: parsing of sizes such as 600M or 2G, and the default.</summary>
public static class MemoryBudget
{
    /// <summary>Share of the memory the kernel reports as available (MemAvailable in /proc/meminfo) taken by
    /// default: half, which leaves the other half to the rest of the machine (the page cache of the image files,
    /// other programs) and to the estimate's error.</summary>
    public const double DefaultShareOfAvailable = 0.5;

    /// <summary>The default where /proc/meminfo does not exist (other systems): 4 GiB.</summary>
    public const long FallbackBytes = 4L << 30;

    /// <summary>Half of MemAvailable, or <see cref="FallbackBytes"/>.</summary>
    public static long Default() => AvailableBytes() is long a ? (long)(a * DefaultShareOfAvailable) : FallbackBytes;

    public static long? AvailableBytes()
    {
        const string meminfo = "/proc/meminfo";
        if (!File.Exists(meminfo)) return null;
        foreach (var line in File.ReadLines(meminfo))
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                return long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return null;
    }

    /// <summary>"600M", "2G", "1.5G", "512K", "800MB", "2GiB" or a plain number of bytes; K, M, G, T are powers
    /// of 1024.</summary>
    public static long Parse(string text)
    {
        var s = text.Trim().ToUpperInvariant();
        if (s.EndsWith("IB")) s = s[..^2];
        else if (s.EndsWith('B')) s = s[..^1];
        long unit = s.Length == 0 ? 1 : s[^1] switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 };
        if (unit != 1) s = s[..^1];
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || double.IsInfinity(v))
            throw new ArgumentException($"memory size must look like 600M or 2G, got '{text}'");
        return (long)(v * unit);
    }

    public static string Describe(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB";
}
