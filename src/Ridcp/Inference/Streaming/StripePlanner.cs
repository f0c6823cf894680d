using Ridcp.Models;

namespace Ridcp.Inference.Streaming;

/// <summary>Chooses, before anything is allocated, how an image is run within a memory budget: whole (when the
/// estimated working set fits), or stage by stage in stripes (<see cref="StreamedForward"/>) with the memory a
/// stripe may use.</summary>
public static class StripePlanner
{
    /// <summary>Bytes left for the network's forward once the process, the fixed part of the working set (when
    /// <paramref name="reserveFixed"/>) and the image buffers are counted.</summary>
    public static long NetworkBytes(long hp, long wp, long budgetBytes, long residentBytes, bool reserveFixed = true) =>
        budgetBytes - residentBytes - (reserveFixed ? WorkingSet.FixedBytes : 0) - (long)(WorkingSet.ImageBytesPerPixel * hp * wp);

    /// <summary>Whether the whole padded image's forward fits what the budget leaves.</summary>
    public static bool FitsWhole(VQWeightDehazeNetOptions o, long hp, long wp, long budgetBytes, long residentBytes) =>
        WorkingSet.ForwardBytes(o, hp * wp) <= NetworkBytes(hp, wp, budgetBytes, residentBytes);

    /// <summary>The memory one stage's stripe may use for a padded image of hp x wp pixels that does not fit whole.</summary>
    /// <remarks>The fixed part of the working set (<see cref="WorkingSet.FixedBytes"/>) is reserved where the budget
    /// allows it; a budget too small for the smallest stripes with it but not without it still runs, with the
    /// smallest stripes, and may exceed the budget by that part.</remarks>
    /// <exception cref="InvalidDataException">not even the smallest stripes fit the budget</exception>
    public static long StripeBytes(VQWeightDehazeNetOptions o, long hp, long wp, long budgetBytes, long residentBytes)
    {
        long smallest = StreamedForward.SmallestStripeBytes(o, wp);
        long withFixed = NetworkBytes(hp, wp, budgetBytes, residentBytes);
        if (withFixed >= smallest) return withFixed;
        long withoutFixed = NetworkBytes(hp, wp, budgetBytes, residentBytes, reserveFixed: false);
        if (withoutFixed >= smallest) return smallest;
        long needed = budgetBytes - withoutFixed + smallest;
        throw new InvalidDataException($"a memory budget of {MemoryBudget.Describe(budgetBytes)} is too small for this image: even its smallest stripes ({StripeRunner.StripeAlignment} rows) need about {MemoryBudget.Describe(needed)} in all (--max-memory)");
    }
}
