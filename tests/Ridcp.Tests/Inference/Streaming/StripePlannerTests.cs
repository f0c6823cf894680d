using Ridcp.Inference.Streaming;
using Ridcp.Models;
using Xunit;

namespace Ridcp.Tests.Inference.Streaming;

/// <summary>The budget decides, before anything is allocated, whether an image runs whole or in stripes, and how
/// much memory a stripe may use.</summary>
public class StripePlannerTests
{
    internal static readonly VQWeightDehazeNetOptions Bundled = new()
    {
        LqStage = true, CodebookParams = [new(64, 256, 64)],
        ChannelQueryDict = new SortedDictionary<int, int> { [64] = 64, [128] = 32, [256] = 32 },
        SwinBlkDepth = 2, SwinNumBlocks = 2, SwinNumHeads = 2,
    };

    const long MiB = 1L << 20;

    [Fact]
    public void An_image_that_fits_the_budget_runs_whole()
    {
        Assert.True(StripePlanner.FitsWhole(Bundled, 512, 768, 8L << 30, 300 * MiB));
        Assert.False(StripePlanner.FitsWhole(Bundled, 3008, 5344, 8L << 30, 300 * MiB));   // 16 MP: ~34 GB whole
    }

    [Fact]
    public void Stripes_get_what_the_budget_leaves_after_the_process_the_fixed_part_and_the_image_buffers()
    {
        long hp = 3008, wp = 5344;
        long stripe = StripePlanner.StripeBytes(Bundled, hp, wp, 2560 * MiB, 300 * MiB);
        Assert.Equal(2560 * MiB - 300 * MiB - WorkingSet.FixedBytes - (long)(WorkingSet.ImageBytesPerPixel * hp * wp), stripe);
        Assert.True(stripe >= StreamedForward.SmallestStripeBytes(Bundled, wp));
    }

    [Fact]
    public void A_budget_that_cannot_reserve_the_fixed_part_still_runs_the_smallest_stripes()
    {
        // 600 MiB with 300 MiB resident on a 1600x1200 photo: less than the fixed part plus the smallest stripes is
        // left, more than the smallest stripes alone; the image runs, and may exceed the budget by the fixed part.
        long hp = 1216, wp = 1632;
        long smallest = StreamedForward.SmallestStripeBytes(Bundled, wp);
        Assert.True(StripePlanner.NetworkBytes(hp, wp, 600 * MiB, 300 * MiB) < smallest);
        Assert.Equal(smallest, StripePlanner.StripeBytes(Bundled, hp, wp, 600 * MiB, 300 * MiB));
    }

    [Fact]
    public void A_budget_too_small_for_the_smallest_stripes_is_refused_with_the_size_needed()
    {
        var e = Assert.Throws<InvalidDataException>(() => StripePlanner.StripeBytes(Bundled, 3008, 5344, 400 * MiB, 300 * MiB));
        Assert.Contains("too small", e.Message);
        Assert.Contains("--max-memory", e.Message);
    }

    [Fact]
    public void The_spilled_maps_need_disk_space_in_proportion_to_the_image()
    {
        long small = StreamedForward.SpillBytes(Bundled, 1024, 1024), large = StreamedForward.SpillBytes(Bundled, 2048, 2048);
        Assert.Equal(4 * small, large, 1.0);
        // Four full-resolution float32 maps of 32 channels at least (the deepest point of the decoder).
        Assert.True(small >= 4L * 32 * 4 * 1024 * 1024);
    }
}
