using Ridcp.Imaging;
using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class PairSourceTests
{
    static RgbImage Image(int w, int h, int salt)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = ((i + salt) * 31 % 256) / 255f;
        return img;
    }

    static List<PairSourceItem> Items() =>
    [
        new("a", Image(40, 30, 1), null, DepthKind.Depth),
        new("b", Image(36, 48, 2), DepthPriors.Constant(36, 48), DepthKind.Depth),
        new("c", Image(50, 20, 3), new DepthMap(50, 20, Enumerable.Range(0, 1000).Select(i => (float)i).ToArray()).Normalised(), DepthKind.Inverse),
    ];

    [Fact]
    public void At_scale_one_without_flip_a_patch_is_exactly_the_crop()
    {
        var img = Image(30, 20, 0);
        var place = new PairAugmentation.Placement(1.0, 30, 20, 7, 3, false);
        var patch = PairAugmentation.Cut(img.Data, 30, 20, 16, place);
        for (int c = 0; c < 3; c++) for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++)
            Assert.Equal(img[c, y + 3, x + 7], patch[(c * 16 + y) * 16 + x], 6);
        var flipped = PairAugmentation.Cut(img.Data, 30, 20, 16, place with { Flip = true });
        for (int c = 0; c < 3; c++) for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++)
            Assert.Equal(patch[(c * 16 + y) * 16 + x], flipped[(c * 16 + y) * 16 + 15 - x]);
    }

    [Fact]
    public void Placements_follow_the_official_resize_rule()
    {
        var rng = new SynthesisRng(2);
        for (int i = 0; i < 500; i++)
        {
            var p = PairAugmentation.Draw(120, 80, 64, true, rng);
            int shortSide = Math.Min(p.ResizedWidth, p.ResizedHeight);
            Assert.InRange(shortSide, 64, 80);                       // short side resized into [gt_size, short side]
            Assert.InRange(p.Left, 0, p.ResizedWidth - 64); Assert.InRange(p.Top, 0, p.ResizedHeight - 64);
        }
        var small = PairAugmentation.Draw(50, 40, 64, false, rng);   // smaller than gt_size: factor (gt+1)/short
        Assert.Equal(65.0 / 40, small.Factor, 12);
        Assert.False(small.Flip);
    }

    [Fact]
    public void Batches_are_reproducible_and_do_not_depend_on_the_number_of_workers()
    {
        var items = Items();
        var o = new PairSourceOptions { GtSize = 16, Seed = 3, Workers = 1, Prefetch = 4 };
        PairBatch[] Take(PairSourceOptions opts)
        {
            using var s = new SynthesisPairSource(items, SynthesisOptions.Official, opts);
            return [s.NextBatch(4), s.NextBatch(4), s.NextBatch(3)];
        }
        var one = Take(o);
        var three = Take(o with { Workers = 3, Prefetch = 2 });
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(one[i].Clear, three[i].Clear);
            Assert.Equal(one[i].Hazy, three[i].Hazy);
            Assert.Equal(one[i].Names, three[i].Names);
        }
        Assert.Equal(3 * 16 * 16 * 4, one[0].Clear.Length);
        Assert.Equal(8, one[2].FirstSample);
        Assert.NotEqual(one[0].Clear, one[1].Clear);
    }

    [Fact]
    public void Resuming_at_a_sample_counter_continues_the_same_stream()
    {
        var items = Items();
        var o = new PairSourceOptions { GtSize = 16, Seed = 9, Workers = 2 };
        PairBatch third; long resumeAt;
        using (var s = new SynthesisPairSource(items, SynthesisOptions.Official, o))
        {
            s.NextBatch(2); s.NextBatch(2);
            resumeAt = s.NextSample;
            third = s.NextBatch(2);
        }
        Assert.Equal(4, resumeAt);
        using var resumed = new SynthesisPairSource(items, SynthesisOptions.Official, o with { StartSample = resumeAt });
        var again = resumed.NextBatch(2);
        Assert.Equal(third.Clear, again.Clear);
        Assert.Equal(third.Hazy, again.Hazy);
    }

    [Fact]
    public void Every_photo_is_visited_once_per_epoch_and_the_tensors_have_the_batch_shape()
    {
        var items = Items();
        using var s = new SynthesisPairSource(items, SynthesisOptions.Official, new PairSourceOptions { GtSize = 8, Seed = 1, Workers = 2 });
        var b = s.NextBatch(6);
        Assert.Equal(["a", "b", "c"], b.Names[..3].Order().ToArray());
        Assert.Equal(["a", "b", "c"], b.Names[3..].Order().ToArray());
        var (clear, hazy) = b.ToTensors();
        using (clear) using (hazy)
        {
            Assert.Equal([6L, 3, 8, 8], clear.shape);
            Assert.Equal([6L, 3, 8, 8], hazy.shape);
        }
    }

    [Fact]
    public void Clear_and_hazy_patches_are_cut_from_the_same_place()
    {
        // β = 0 and every random stage off: t = 1, so the hazy image equals the clear one and so must the patches
        var identity = SynthesisOptions.Official with { FixedBeta = 0, GammaProb = 0, NoiseProb = 0, JpegProb = 0, ColorBias = 0 };
        using var s = new SynthesisPairSource(Items(), identity, new PairSourceOptions { GtSize = 12, Seed = 4, Workers = 2 });
        var b = s.NextBatch(9);
        Assert.Equal(b.Clear, b.Hazy);
    }
}
