namespace Ridcp.Bricks.Neighborhood;

/// <summary>Where each query's k×k neighbourhood starts along one axis, and where its slice of the relative position
/// bias starts: NATTEN ≤ 0.17's get_window_start / get_pb_start (natten_cpu_commons.h, v0.14.6). Near the border
/// the window is shifted inwards, never padded, so every query sees exactly k real keys per axis; with dilation d
/// the keys are ws, ws + d, …, ws + (k−1)·d, i.e. plain NA on the d interleaved sub-grids.</summary>
public static class NeighborhoodWindows
{
    /// <summary>First key index of query <paramref name="index"/> on an axis of <paramref name="length"/> (≥ k·d).</summary>
    public static int WindowStart(int index, int length, int k, int d)
    {
        int ns = k / 2;
        if (d <= 1)
            return Math.Max(index - ns, 0) + (index + ns >= length ? length - index - ns - 1 : 0);
        int ni = index - ns * d;
        if (ni < 0) return index % d;
        if (index + ns * d >= length)
        {
            int imodd = index % d;
            int a = length / d * d;
            int b = length - a;
            return imodd < b ? length - b + imodd - 2 * ns * d : a + imodd - k * d;
        }
        return ni;
    }

    /// <summary>First row (column) of the bias table rpb[h, ·, ·] (size 2k−1) that query <paramref name="index"/> uses.</summary>
    public static int BiasStart(int index, int length, int k, int d)
    {
        int ns = k / 2;
        if (d <= 1)
            return ns + (index < ns ? ns - index : 0) + (index + ns >= length ? length - index - 1 - ns : 0);
        if (index - ns * d < 0) return k - 1 - index / d;
        if (index + ns * d >= length) return (length - index - 1) / d;
        return ns;
    }

    /// <summary>Key indices [count·k] for queries first..first+count−1 (row-major: query, then a = 0..k−1).</summary>
    public static long[] KeyIndices(int first, int count, int length, int k, int d)
    {
        var idx = new long[count * k];
        for (int q = 0; q < count; q++)
        {
            int ws = WindowStart(first + q, length, k, d);
            for (int a = 0; a < k; a++) idx[q * k + a] = ws + a * d;
        }
        return idx;
    }

    /// <summary>Bias-table indices [count·k], same layout as <see cref="KeyIndices"/>.</summary>
    public static long[] BiasIndices(int first, int count, int length, int k, int d)
    {
        var idx = new long[count * k];
        for (int q = 0; q < count; q++)
        {
            int pb = BiasStart(first + q, length, k, d);
            for (int a = 0; a < k; a++) idx[q * k + a] = pb + a;
        }
        return idx;
    }
}
