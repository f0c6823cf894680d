using Ridcp.Checkpoints;
using Ridcp.Core;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Inference.Streaming;
using Ridcp.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference;

/// <summary>The split forward the web app's α slider uses: encoder once, matching and decoders per alpha.</summary>
public class DehazerEncodeDecodeTests
{
    [Fact]
    public void Encode_then_decode_at_an_alpha_equals_dehazing_at_that_alpha_bit_for_bit()
    {
        using var tmp = new TempFolder();
        string ck = TestCheckpoints.WriteSmall(tmp.File("small.pth"));
        string chm = tmp.File("chm.pth");
        using (var w = linspace(-0.01, 0.01, 64)) CheckpointWriter.WriteTensor(chm, w);
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = ck, ChmWeightPath = chm });
        var img = new RgbImage(40, 35);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)((i * 29 % 97) / 96.0);
        using var encoded = dehazer.Encode(img);
        foreach (float alpha in new[] { 0f, -21.25f, -200f })
            Assert.Equal(dehazer.Dehaze(img, alpha).Data, dehazer.Decode(encoded, alpha).Data);
        Assert.NotEqual(dehazer.Decode(encoded, 0f).Data, dehazer.Decode(encoded, -200f).Data);
    }

    [Fact]
    public void An_image_too_large_for_the_budget_is_kept_unencoded_and_each_alpha_runs_in_stripes()
    {
        // The web app's slider on a photo whose whole forward would not fit: before, Encode and Decode ran whole
        // whatever the budget (a 16 MP upload needed tens of GB).
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = BundledModel.Resolve(AppContext.BaseDirectory) });
        var full = ImageFile.Read(Fixture.File("images", "enlightenment_foggy-trees.jpg")).ToTensor();
        var photo = RgbImage.FromTensor(MaxSizeRule.Resize(full, 690, 940).clamp(0, 1));   // padded 960x704
        NativeHeap.ReleaseFreeMemory();
        long held = ProcessMemory.CurrentRssBytes() ?? 0;
        long budget = held + WorkingSet.FixedBytes + (long)(WorkingSet.ImageBytesPerPixel * 960 * 704) + (500L << 20);
        using var striped = Dehazer.FromNetwork(dehazer.Network, memoryBudget: budget);

        using var kept = striped.Encode(photo);
        Assert.Same(photo, kept.Image);
        Assert.Null(kept.EncFeats);
        Assert.Equal(photo.Data.LongLength * sizeof(float), kept.Bytes);
        var decoded = striped.Decode(kept, 0f);
        Assert.NotNull(striped.LastStripeBytes);
        // The same striped forward as Dehaze; its stripes are sized from the resident memory at the time, so the two
        // runs may cut the image differently: float rounding, far inside one 8-bit level.
        var direct = striped.Dehaze(photo, 0f);
        double worst = decoded.Data.Zip(direct.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1.0 / 255, $"max |diff| {worst:g3}");
    }
}
