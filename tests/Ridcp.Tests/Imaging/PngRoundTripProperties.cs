using CsCheck;
using Ridcp.Imaging;
using Ridcp.Tests.Checkpoints;
using Xunit;

namespace Ridcp.Tests.Imaging;

/// <summary>Property (CsCheck): a planar image of values on the 8- or 16-bit grid, of any size, survives PNG encode →
/// decode exactly; any value in [0,1] comes back within half a quantisation step.</summary>
public class PngRoundTripProperties : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    static readonly Gen<(int W, int H, int Depth, int Seed)> Spec =
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 30], Gen.Bool.Select(b => b ? 8 : 16), Gen.Int, (w, h, d, s) => (w, h, d, s));

    [Fact]
    public void Images_on_the_sample_grid_come_back_exactly_and_others_within_half_a_step()
    {
        Spec.Sample(spec =>
        {
            var rng = new Random(spec.Seed);
            int levels = (1 << spec.Depth) - 1;
            var onGrid = new RgbImage(spec.W, spec.H);
            var anyValue = new RgbImage(spec.W, spec.H);
            for (int i = 0; i < onGrid.Data.Length; i++)
            {
                onGrid.Data[i] = rng.Next(levels + 1) / (float)levels;
                anyValue.Data[i] = (float)rng.NextDouble();
            }
            string path = tmp.File("rt.png");
            ImageFile.WritePng(onGrid, path, spec.Depth);
            var back = ImageFile.Read(path);
            Assert.Equal((spec.W, spec.H), (back.Width, back.Height));
            Assert.Equal(onGrid.Data, back.Data);

            ImageFile.WritePng(anyValue, path, spec.Depth);
            back = ImageFile.Read(path);
            for (int i = 0; i < anyValue.Data.Length; i++)
                Assert.True(Math.Abs(anyValue.Data[i] - back.Data[i]) <= 0.5f / levels + 1e-6f, $"value {i}: {anyValue.Data[i]} -> {back.Data[i]}");
        }, iter: 60, threads: 1);
    }
}
