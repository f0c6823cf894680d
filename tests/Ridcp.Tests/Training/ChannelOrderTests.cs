using Xunit;
using Ridcp.Imaging;
using Ridcp.Synthesis;
using Ridcp.Tests.Checkpoints;
using Ridcp.Training.Data;

namespace Ridcp.Tests.Training;

/// <summary>The training loaders feed RGB in the order inference reads it (ImageFile → planar R, G, B). A swapped
/// order would train a model whose colours come out wrong at inference while its losses look fine.</summary>
public sealed class ChannelOrderTests : IDisposable
{
    private readonly TempFolder temp = new();

    /// <summary>A 64×64 photo of pure red (255, 0, 0) with a pure green (0, 255, 0) right half.</summary>
    private string RedGreenPhoto()
    {
        var img = new RgbImage(64, 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                img[0, y, x] = x < 32 ? 1f : 0f;
                img[1, y, x] = x < 32 ? 0f : 1f;
            }
        string dir = Path.Combine(temp.Path, "clear");
        Directory.CreateDirectory(dir);
        ImageFile.Write(img, Path.Combine(dir, "rg.png"));
        return dir;
    }

    [Fact]
    public void Stage1_crops_are_rgb_planes_in_file_order()
    {
        var cache = ImageCache.Load(RedGreenPhoto());
        var src = new ClearCropSource(cache.Images, gtSize: 64, resizeCrop: false, flip: false, rot: false, seed: 0, startSample: 0);
        using var batch = src.Next(1);
        var t = batch.Gt;   // [1,3,64,64]
        Assert.Equal(1f, t[0, 0, 10, 5].item<float>());   // red plane, red half
        Assert.Equal(0f, t[0, 1, 10, 5].item<float>());
        Assert.Equal(1f, t[0, 1, 10, 50].item<float>());  // green plane, green half
        Assert.Equal(0f, t[0, 2, 10, 50].item<float>());
    }

    [Fact]
    public void Stage2_clear_targets_and_hazy_inputs_are_rgb_planes_in_file_order()
    {
        var items = PairItems.Load(RedGreenPhoto(), null, DepthPrior.Constant, maxSide: 0);
        using var src = new SynthesisDataSource(items, gtSize: 64, useFlip: false, seed: 0, startSample: 0, workers: 1);
        using var batch = src.Next(1);
        var gt = batch.Gt;
        // The pair source's float arithmetic leaves 1.0 one ulp short (0.99999988): a colour test needs no more.
        Assert.Equal(1f, gt[0, 0, 10, 5].item<float>(), 1e-5f);
        Assert.Equal(1f, gt[0, 1, 10, 50].item<float>(), 1e-5f);
        Assert.Equal(0f, gt[0, 0, 10, 50].item<float>(), 1e-5f);
        // The hazy input keeps the ordering: haze adds a near-grey airlight to every plane (colour bias at most
        // 0.05 between planes) over a transmission of at least exp(-1.5) = 0.22 at the constant prior's depth 0.5,
        // so on average the red half stays redder than green and the green half greener than red.
        var lq = batch.Lq!;
        float Mean(int c, int x0) => lq[0, c, .., x0..(x0 + 32)].mean().item<float>();
        Assert.True(Mean(0, 0) > Mean(1, 0) + 0.1f);
        Assert.True(Mean(1, 32) > Mean(0, 32) + 0.1f);
    }

    public void Dispose() => temp.Dispose();
}
