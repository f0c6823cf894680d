using System.Runtime.InteropServices;

namespace Ridcp.Core;

/// <summary>glibc malloc settings for processes that allocate the same large tensors over and over (training, and
/// inference, where one forward pass frees and allocates dozens of full-resolution maps). Where the process runs on
/// jemalloc instead (Core/Jemalloc), the same calls ask jemalloc.</summary>
/// <remarks>
/// LibTorch takes every tensor from malloc. glibc serves blocks above its mmap threshold (at most 32 MB) with a
/// fresh mmap and unmaps them on free, so every iteration the kernel faults in and zeroes each large activation
/// and gradient again: on the small stage-2 config about a third of a training step's CPU time was system time.
/// With mmap off and no trimming, freed blocks stay in the heap and the next iteration reuses them. Values are
/// unchanged (only where memory comes from); the cost is a peak heap that does not shrink back, which a training
/// process at a steady working set does not mind. Inference turns it on too (Inference/Dehazer): within one
/// forward pass later layers reuse the blocks earlier ones freed, which cut the bundled model's CPU time per
/// megapixel by more than half; the peak it costs is measured in docs/benchmarks.md.
/// Environment variables the user set (MALLOC_MMAP_MAX_, MALLOC_TRIM_THRESHOLD_) win. There is no switching back:
/// glibc's mallopt also freezes its dynamic mmap threshold, so a process keeps the setting for its lifetime.
/// </remarks>
public static class NativeHeap
{
    // glibc malloc.h
    const int M_TRIM_THRESHOLD = -1;
    const int M_TOP_PAD = -2;
    const int M_MMAP_MAX = -4;

    /// <summary>True while freed memory is kept for reuse.</summary>
    public static bool Reusing { get; private set; }

    /// <summary>Keeps freed blocks in the heap for reuse (no mmap, no trimming). Returns false where it cannot
    /// (not glibc, or the user chose malloc settings through the environment).</summary>
    public static bool KeepFreedMemory()
    {
        // jemalloc (Core/Jemalloc) keeps freed pages by its own settings (the launcher's MALLOC_CONF).
        if (Jemalloc.Active) return Reusing = true;
        if (!OperatingSystem.IsLinux() || UserChoseSettings()) return false;
        try
        {
            Reusing = mallopt(M_MMAP_MAX, 0) == 1 &&
                      mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1 &&
                      mallopt(M_TOP_PAD, 64 << 20) == 1;   // grow the heap in 64 MB steps, not page by page
            return Reusing;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>Hands the heap's free memory back to the kernel (glibc's malloc_trim(0): whole free pages anywhere in
    /// the heap, not only at its top), for a moment where the blocks a large job freed would otherwise stay resident
    /// under what comes next. Later allocations fault fresh pages in again. No-op where unsupported.</summary>
    public static void ReleaseFreeMemory()
    {
        if (Jemalloc.Purge()) return;
        if (!OperatingSystem.IsLinux()) return;
        try { malloc_trim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int malloc_trim(nuint pad);

    static bool UserChoseSettings() =>
        Environment.GetEnvironmentVariable("MALLOC_MMAP_MAX_") is not null ||
        Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}
