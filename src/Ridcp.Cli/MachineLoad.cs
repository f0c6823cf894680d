namespace Ridcp.Cli;

/// <summary>The 1-minute load average, printed beside benchmark figures so a reader can tell a busy machine's numbers
/// from a quiet one's ("n/a" where /proc/loadavg cannot be read).</summary>
static class MachineLoad
{
    public static string OneMinute()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "n/a"; }
    }
}
