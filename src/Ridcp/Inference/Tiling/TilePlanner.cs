using Ridcp.Models;

namespace Ridcp.Inference.Tiling;

/// <summary>Chooses, before anything is allocated, how an image is run within a memory budget: whole (when the
/// estimated working set fits) or in the largest square tile cores that fit with their halo.</summary>
public static class TilePlanner
{
    /// <summary>Largest image (in pixels) whose whole forward fits the same budget: the size of the statistics pass.</summary>
    public static long WholeImagePixels(VQWeightDehazeNetOptions o, long forNetworkBytes) =>
        (long)(forNetworkBytes / WorkingSet.BytesPerPixel(o));

    /// <summary>Bytes left for the network's forward once the process and the image buffers are counted.</summary>
    public static long NetworkBytes(long hp, long wp, long budgetBytes, long residentBytes) =>
        budgetBytes - residentBytes - (long)(WorkingSet.ImageBytesPerPixel * hp * wp);

    /// <summary>The grid for a padded image of hp x wp pixels, or null when the whole image fits.</summary>
    /// <param name="budgetBytes">The whole process's budget (--max-memory).</param>
    /// <param name="residentBytes">What the process already holds (runtime, native library, weights).</param>
    /// <param name="halo">Halo in pixels; null = <see cref="TiledForward.DefaultHalo"/>.</param>
    /// <exception cref="InvalidDataException">not even the smallest tile fits the budget</exception>
    public static TileGrid? Plan(VQWeightDehazeNetOptions o, long hp, long wp, long budgetBytes, long residentBytes, int? halo = null)
    {
        int m = o.PadMultiple;
        long forBuffers = (long)(WorkingSet.ImageBytesPerPixel * hp * wp);
        long forNetwork = NetworkBytes(hp, wp, budgetBytes, residentBytes);
        if (WorkingSet.ForwardBytes(o, hp * wp) <= forNetwork) return null;
        int h = halo ?? TiledForward.DefaultHalo(o);
        long best = 0;
        for (long core = m; core <= Math.Max(hp, wp); core += m)
        {
            long th = Math.Min(hp, core + 2L * h), tw = Math.Min(wp, core + 2L * h);
            if (WorkingSet.ForwardBytes(o, th * tw) > forNetwork) break;
            best = core;
        }
        if (best == 0)
        {
            long smallest = Math.Min(hp, m + 2L * h) * Math.Min(wp, m + 2L * h);
            long needed = residentBytes + forBuffers + WorkingSet.ForwardBytes(o, smallest);
            throw new InvalidDataException($"a memory budget of {MemoryBudget.Describe(budgetBytes)} is too small for this image: even the smallest tile ({m} px core, {h} px halo) needs about {MemoryBudget.Describe(needed)} in all (--max-memory)");
        }
        return new TileGrid(hp, wp, best, h, m);
    }
}
