namespace Ridcp.Metrics;

/// <summary>Parallelism for row loops: only worth it when an image is large enough to amortise the scheduling.</summary>
internal static class ParallelRows
{
    static readonly ParallelOptions Serial = new() { MaxDegreeOfParallelism = 1 };
    static readonly ParallelOptions All = new();

    public static ParallelOptions Options(int rows, int columns) => (long)rows * columns < 65536 ? Serial : All;
}
