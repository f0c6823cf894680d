namespace Ridcp.Inference;

/// <summary>Resident memory of this process as Linux reports it in /proc/self/status (VmRSS now, VmHWM = the
/// peak so far). Null where that file does not exist (other systems).</summary>
public static class ProcessMemory
{
    public static long? CurrentRssBytes() => Read("VmRSS:");
    public static long? PeakRssBytes() => Read("VmHWM:");

    /// <summary>Resets the peak (VmHWM) to the current resident size, so that the next peak belongs to what follows
    /// (Linux: writing 5 to /proc/self/clear_refs). False where that is not possible.</summary>
    public static bool ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    static long? Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        foreach (var line in File.ReadLines(status))
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // e.g. "VmHWM:\t  123456 kB"
                var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0]) * 1024;
            }
        return null;
    }
}
