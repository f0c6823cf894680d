using System.Runtime.InteropServices;

namespace Ridcp.Cli;

/// <summary>Restarts the command on jemalloc where Debian's libjemalloc2 (or another given library) is installed:
/// the same program, arguments and environment plus LD_PRELOAD, exec'd in place (same process id, same terminal).
/// Measured on the bundled model (docs/benchmarks.md): 0.55-0.75x the peak memory of glibc's kept heap and
/// 0.87-0.9x the CPU time; a 5312x2988 photo from the default command in 2.3 GB instead of 4.0-4.4.</summary>
/// <remarks>An allocator can only be chosen before the process starts, hence the restart. RIDCP_ALLOCATOR=system
/// keeps glibc; RIDCP_ALLOCATOR=/path/libjemalloc.so.2 names the library. Nothing happens when the library is
/// missing, when it is already loaded, outside Linux, or if the exec fails (the command then runs on as it is).
/// jemalloc is told never to return freed pages on a timer (the heap is reused by the next map, as NativeHeap does
/// for glibc) and to back its extents with transparent huge pages (thp:always; the kernel's default mode, madvise,
/// gives them only to memory that asks): a page fault costs several microseconds on these virtual machines, and an
/// image run in stripes (Inference/Streaming) touches new memory at every stage — 1 MP in stripes took 0.8x the CPU
/// time with huge pages, the whole-image forward the same (docs/benchmarks.md). Unless the user set MALLOC_CONF.</remarks>
public static class AllocatorLauncher
{
    public const string Variable = "RIDCP_ALLOCATOR";
    const string Started = "RIDCP_ALLOCATOR_STARTED";   // set before the exec: never restart twice
    const string Settings = "dirty_decay_ms:-1,muzzy_decay_ms:-1,thp:always";

    static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
        "/usr/lib64/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2",
    ];

    /// <summary>The jemalloc library found at one of Debian's (or other distributions') usual paths, or null.</summary>
    public static string? InstalledLibrary => Candidates.FirstOrDefault(File.Exists);

    /// <summary>Execs the process again on jemalloc when it should; returns only when it does not.</summary>
    public static void RestartOnJemallocIfInstalled()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Started) is not null) return;
        string? choice = Environment.GetEnvironmentVariable(Variable);
        if (string.Equals(choice, "system", StringComparison.OrdinalIgnoreCase)) return;
        string? library = string.IsNullOrEmpty(choice) ? InstalledLibrary : choice;
        if (library is null || !File.Exists(library) || Core.Jemalloc.Active) return;
        string[] argv;
        try { argv = File.ReadAllText("/proc/self/cmdline").Split('\0', StringSplitOptions.None)[..^1]; }
        catch (IOException) { return; }
        if (argv.Length == 0) return;
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        env[Started] = "1";
        env["LD_PRELOAD"] = env.TryGetValue("LD_PRELOAD", out var preload) && preload.Length > 0 ? library + ":" + preload : library;
        if (!env.ContainsKey("MALLOC_CONF")) env["MALLOC_CONF"] = Settings;
        string?[] envp = [.. env.Select(e => e.Key + "=" + e.Value), null];
        string?[] args = [.. argv, null];
        Console.Out.Flush();
        execve("/proc/self/exe", args, envp);   // returns only on failure: go on without jemalloc
    }

    [DllImport("libc", SetLastError = true)]
    static extern int execve(string path, string?[] argv, string?[] envp);
}
