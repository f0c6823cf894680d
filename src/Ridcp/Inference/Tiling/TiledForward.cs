using Ridcp.Bricks.ImageWide;
using Ridcp.Models;
using static TorchSharp.torch;

namespace Ridcp.Inference.Tiling;

/// <summary>The LQ network's test-time forward over a padded image, tile by tile, every tile normalised with the
/// same image-wide statistics (GroupNorm moments, NFA means: ImageWideStatistics), and each keeping its core. The
/// statistics come from a whole-image forward of the picture shrunk to a tile's size (<see cref="Seed"/>);
/// passes that re-gather them at full resolution are possible but do not converge (docs/tiling.md), so none is made
/// by default. One dispose scope per tile.</summary>
public static class TiledForward
{
    /// <summary>The halo the planner gives tiles: the receptive field (<see cref="ReceptiveField.Halo"/>), capped at
    /// one pad multiple (32 px officially) per two Swin blocks, at least two. The bound counts every Swin block's
    /// full window (192 px for the bundled model, 768 px officially), far more than matters: with the whole image's
    /// statistics 64 px (the cap for the bundled model's 4 blocks) reproduce its whole-image output as closely as a
    /// single tile covering the whole image does, and 64 px were too few for the official 24 blocks (88.6 % within
    /// 1/255); docs/tiling.md. The cap keeps the smallest tile within modest budgets.</summary>
    public static int DefaultHalo(VQWeightDehazeNetOptions o)
    {
        int blocks = o.SwinNumBlocks * o.SwinBlkDepth;
        return Math.Min(ReceptiveField.Halo(o), Math.Max(2, (blocks + 1) / 2) * o.PadMultiple);
    }

    /// <summary>Full-resolution passes that re-gather the statistics before the output pass (docs/tiling.md:
    /// each pass makes one more GroupNorm exact and throws the later ones further off, so 0).</summary>
    public const int RefinementPasses = 0;

    /// <summary>First values of the statistics: the whole network on the image shrunk to <paramref name="pixels"/>
    /// pixels or fewer (its statistics are those of the same picture at a coarser scale).</summary>
    public static void Seed(VQWeightDehazeNet net, Tensor padded, ImageWideStatistics statistics, long pixels, float alpha)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long h = padded.shape[2], w = padded.shape[3];
        double f = Math.Min(1.0, Math.Sqrt((double)pixels / (h * w)));
        int m = net.Options.PadMultiple;
        // Rounded down: the planner sized the budget for at most this many pixels.
        long sh = Math.Max(m, (long)Math.Floor(h * f / m) * m), sw = Math.Max(m, (long)Math.Floor(w * f / m) * m);
        var small = f < 1 ? nn.functional.interpolate(padded, size: [sh, sw], mode: InterpolationMode.Area) : padded;
        using (statistics.Enter(new Bricks.ImageWide.TileCore(0, 0, sh, sw, sh, sw)))
        using (var r = net.EncodeAndDecode(small, alpha, vqImage: false)) { }
        statistics.EndPass();
    }

    /// <summary>The residual-branch image [1, 3, Hp, Wp] of the padded input [1, 3, Hp, Wp], or its top-left
    /// <paramref name="cropHeight"/> x <paramref name="cropWidth"/> (test()'s crop back to the image, without a
    /// second full-size copy).</summary>
    /// <param name="statistics">Seeded statistics (<see cref="Seed"/>); null: the first pass uses each tile's own.</param>
    public static Tensor Run(VQWeightDehazeNet net, Tensor padded, TileGrid grid, float alpha, ImageWideStatistics? statistics,
                             Action<TileProgress>? progress = null, int statisticsPasses = RefinementPasses,
                             long? cropHeight = null, long? cropWidth = null)
    {
        using var _ = no_grad();
        statistics ??= new ImageWideStatistics();
        long outH = Math.Min(grid.Height, cropHeight ?? grid.Height), outW = Math.Min(grid.Width, cropWidth ?? grid.Width);
        var output = zeros(1, 3, outH, outW, dtype: padded.dtype, device: padded.device);
        int passes = statisticsPasses + 1;
        // Largest tiles first: the kept heap (Core/NativeHeap) then serves every later, smaller tile from blocks the
        // first ones freed. In grid order the first row (no halo above) was smaller than the next, whose larger
        // blocks grew the heap by another 0.6 GB at 16 MP.
        var order = grid.Tiles.OrderByDescending(t => t.Height * t.Width).ToArray();
        for (int pass = 1; pass <= passes; pass++)
        {
            for (int i = 0; i < order.Length; i++)
            {
                var tile = order[i];
                using (var scope = NewDisposeScope())
                using (statistics.Enter(tile.Core))
                {
                    var input = padded.narrow(2, tile.Top, tile.Height).narrow(3, tile.Left, tile.Width);
                    using var r = net.EncodeAndDecode(input, alpha, vqImage: false);
                    if (pass == passes)
                    {
                        var image = r.OutImgResidual ?? r.OutImg!;
                        var c = tile.Core;
                        long top = tile.Top + c.Top, left = tile.Left + c.Left;
                        long rows = Math.Min(c.Height, outH - top), cols = Math.Min(c.Width, outW - left);
                        if (rows > 0 && cols > 0)
                            output.narrow(2, top, rows).narrow(3, left, cols).copy_(c.Of(image).narrow(2, 0, rows).narrow(3, 0, cols));
                    }
                }
                progress?.Invoke(new TileProgress(pass, passes, i + 1, grid.Tiles.Count));
            }
            statistics.EndPass();
        }
        return output;
    }
}
