using Ridcp.Inference.Streaming;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference.Streaming;

/// <summary>Stripes with halos: exact rows from windows, and windows grown where a stage needs more.</summary>
public class StripeRunnerTests
{
    /// <summary>A stage whose output row y is the sum of input rows y-reach..y+reach (zeros outside the image), computed
    /// on the window alone: right where the window holds those rows or ends at the image's edge.</summary>
    static Tensor BoxSum(Tensor window, int reach)
    {
        long rows = window.shape[2];
        var padded = nn.functional.pad(window, [0, 0, reach, reach]);
        var sum = zeros_like(window);
        for (int dy = 0; dy <= 2 * reach; dy++) sum.add_(padded.narrow(2, dy, rows));
        return sum;
    }

    static Tensor RunStage(Tensor image, int halo, int reach, bool refuseShortWindows, out int windows)
    {
        var output = zeros_like(image);
        int calls = 0;
        var runner = new StripeRunner(image.shape[2], image.shape[3], stripeBudgetBytes: 1, stages: 1, progress: null);
        runner.Run("box", [new TensorRows(image, 1)], halo, bytesPerPixel: 1, outScale: 1, w =>
        {
            calls++;
            bool enough = (w.KeptTopPx - w.TopPx >= reach || w.AtImageTop) && (w.BottomPx - w.KeptBottomPx >= reach || w.AtImageBottom);
            return refuseShortWindows && !enough ? null : BoxSum(w.Inputs[0], reach);
        }, (row, rows) => output.narrow(2, row, rows.shape[2]).copy_(rows), capBytes: 1);
        windows = calls;
        return output;
    }

    [Fact]
    public void A_halo_covering_the_reach_gives_the_whole_images_rows()
    {
        var image = randn(1, 2, 100, 5, generator: new Generator(1));
        var whole = BoxSum(image, 3);
        Assert.True(RunStage(image, 4, 3, refuseShortWindows: false, out int windows).allclose(whole, 1e-5, 1e-5));
        Assert.Equal(4, windows);   // the smallest stripes: 32 rows, 100 rows in 4
        Assert.False(RunStage(image, 2, 3, refuseShortWindows: false, out _).allclose(whole, 1e-5, 1e-5));   // too small a halo shows
    }

    [Fact]
    public void A_stage_that_refuses_its_window_gets_the_stripe_again_with_twice_the_halo()
    {
        var image = randn(1, 2, 100, 5, generator: new Generator(2));
        var result = RunStage(image, 2, 7, refuseShortWindows: true, out int windows);
        Assert.True(result.allclose(BoxSum(image, 7), 1e-5, 1e-5));
        // Halo 2 -> 4 -> 8 on the first stripe (it has no image above but needs 7 rows below), then kept at 8.
        Assert.Equal(4 + 2, windows);
    }
}
