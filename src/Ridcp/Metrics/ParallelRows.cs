namespace Ridcp.Metrics;

/// <summary>Parallelism of the metric loops: rows or blocks in parallel when an image is large enough to amortise the
/// scheduling. <see cref="MaxThreads"/> caps it (the benchmark's single-thread figures; -1 = all cores).</summary>
public static class ParallelRows
{
    static readonly ParallelOptions Serial = new() { MaxDegreeOfParallelism = 1 };
    static ParallelOptions _all = new();

    /// <summary>Largest number of threads a metric uses; -1 (default) for all cores.</summary>
    public static int MaxThreads
    {
        get => _all.MaxDegreeOfParallelism;
        set => _all = new ParallelOptions { MaxDegreeOfParallelism = value };
    }

    internal static ParallelOptions Options(int rows, int columns) => (long)rows * columns < 65536 ? Serial : _all;

    /// <summary>For loops over a few large items (channels, shifts, blocks).</summary>
    internal static ParallelOptions Items => _all;
}
