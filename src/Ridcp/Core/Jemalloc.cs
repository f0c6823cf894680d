using System.Runtime.InteropServices;
using System.Text;

namespace Ridcp.Core;

/// <summary>jemalloc, when the process runs with it preloaded (Ridcp.Cli's AllocatorLauncher does that where
/// Debian's libjemalloc2 is installed): its statistics and its purge, through its <c>mallctl</c> interface.</summary>
/// <remarks>Why jemalloc: a forward pass allocates and frees dozens of large maps of a few sizes. glibc's heap, told to
/// keep freed memory (NativeHeap), fragments under that pattern to about three times the memory in use (a 16 MP
/// photo under a 2.5 GiB budget peaked at 3.0-3.2 GB), and without keeping it every map costs fresh zeroed pages
/// (5x the CPU time). jemalloc's size classes keep both low: measured in docs/benchmarks.md.</remarks>
public static class Jemalloc
{
    delegate int MallctlFunction(byte[] name, IntPtr oldp, IntPtr oldlenp, IntPtr newp, nuint newlen);

    static readonly MallctlFunction? mallctl = Find();

    /// <summary>True when jemalloc serves this process's malloc.</summary>
    public static bool Active => mallctl is not null;

    static MallctlFunction? Find()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            // The main program's symbol scope includes preloaded libraries; nothing is loaded here.
            return NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "mallctl", out var f)
                ? Marshal.GetDelegateForFunctionPointer<MallctlFunction>(f) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException) { return null; }
    }

    static byte[] Name(string name) => Encoding.ASCII.GetBytes(name + "\0");

    /// <summary>A pointer-sized value of jemalloc's (a size_t statistic, a string's address); null without jemalloc or
    /// on error. Statistics are refreshed first when <paramref name="refresh"/>.</summary>
    static IntPtr? Read(string name, bool refresh)
    {
        if (mallctl is null) return null;
        IntPtr value = Marshal.AllocHGlobal(IntPtr.Size * 2), length = value + IntPtr.Size;
        try
        {
            if (refresh)
            {
                // "epoch" (a uint64 written to it) makes jemalloc refresh its cached statistics.
                Marshal.WriteInt64(value, 1);
                mallctl(Name("epoch"), IntPtr.Zero, IntPtr.Zero, value, 8);
            }
            Marshal.WriteIntPtr(length, IntPtr.Size);
            return mallctl(Name(name), value, length, IntPtr.Zero, 0) == 0 ? Marshal.ReadIntPtr(value) : null;
        }
        finally { Marshal.FreeHGlobal(value); }
    }

    static long? ReadSize(string name) => Read(name, refresh: true) is IntPtr v ? (long)v : null;

    /// <summary>Bytes jemalloc has handed out and not got back ("stats.allocated"); null without jemalloc.</summary>
    public static long? AllocatedBytes() => ReadSize("stats.allocated");

    /// <summary>Bytes of jemalloc's pages that are resident ("stats.resident"); null without jemalloc.</summary>
    public static long? ResidentBytes() => ReadSize("stats.resident");

    /// <summary>Returns every arena's unused pages to the kernel ("arena.&lt;all&gt;.purge"); false without jemalloc.</summary>
    public static bool Purge()
    {
        const int allArenas = 4096;   // MALLCTL_ARENAS_ALL
        return mallctl is not null && mallctl(Name($"arena.{allArenas}.purge"), IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, 0) == 0;
    }

    /// <summary>jemalloc's version string, or null.</summary>
    public static string? Version() => Read("version", refresh: false) is IntPtr text ? Marshal.PtrToStringAnsi(text) : null;
}
