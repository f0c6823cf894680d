using Ridcp.Imaging;
using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class HazeSynthesizerTests
{
    // float32 pipeline against a double reference.
    const float FloatTolerance = 1e-6f;

    static (RgbImage, float[]) Inputs(int w = 48, int h = 32)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (i * 29 % 256) / 255f;
        var d = new float[w * h];
        for (int i = 0; i < d.Length; i++) d[i] = (float)i / (d.Length - 1);
        return (img, d);
    }

    [Fact]
    public void A_seed_and_index_reproduce_a_sample_exactly_and_other_indices_differ()
    {
        var (img, d) = Inputs();
        var o = SynthesisOptions.Official with { GammaProb = 1, NoiseProb = 1, JpegProb = 1 };
        var a = HazeSynthesizer.Synthesize(img, d, o, 5, 17);
        var b = HazeSynthesizer.Synthesize(img, d, o, 5, 17);
        var c = HazeSynthesizer.Synthesize(img, d, o, 5, 18);
        Assert.Equal(a.Hazy.Data, b.Hazy.Data);
        Assert.Equal(a.Parameters.Beta, b.Parameters.Beta);
        Assert.NotEqual(a.Hazy.Data, c.Hazy.Data);
        Assert.Equal(HazeSynthesizer.Synthesize(img, d, o, 0, 22).Hazy.Data, HazeSynthesizer.Synthesize(img, d, o, 22, 0).Hazy.Data); // seed + index
    }

    [Fact]
    public void The_clear_image_is_not_modified()
    {
        var (img, d) = Inputs();
        var before = (float[])img.Data.Clone();
        HazeSynthesizer.Synthesize(img, d, SynthesisOptions.Official with { GammaProb = 1, NoiseProb = 1, JpegProb = 1 }, 1, 1);
        Assert.Equal(before, img.Data);
    }

    [Fact]
    public void With_random_stages_off_the_output_is_the_scattering_model()
    {
        var (img, d) = Inputs();
        var o = SynthesisOptions.Official with { GammaProb = 0, NoiseProb = 0, JpegProb = 0, ColorBias = 0, FixedBeta = 1.0, FixedAirlight = 0.8 };
        var r = HazeSynthesizer.Synthesize(img, d, o, 3, 4);
        int n = d.Length;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < n; i++)
            {
                double t = Math.Exp(-2 * 1.0 * (1 - d[i]));
                Assert.Equal(img.Data[c * n + i] * t + 0.8 * (1 - t), r.Hazy.Data[c * n + i], FloatTolerance);
            }
    }

    [Fact]
    public void Gamma_comes_before_the_haze_and_uses_the_drawn_gamma()
    {
        var (img, d) = Inputs();
        var o = SynthesisOptions.Official with { GammaProb = 1, NoiseProb = 0, JpegProb = 0, ColorBias = 0 };
        var r = HazeSynthesizer.Synthesize(img, d, o, 8, 0);
        double g = r.Parameters.Gamma!.Value, beta = r.Parameters.Beta, a = r.Parameters.Airlight[0];
        int n = d.Length;
        for (int i = 0; i < n; i += 7)
        {
            double t = Math.Exp(-2 * beta * (1 - d[i]));
            Assert.Equal(Math.Pow(img.Data[i], g) * t + a * (1 - t), r.Hazy.Data[i], 1e-5);
        }
    }

    [Fact]
    public void A_depth_map_of_the_wrong_size_is_refused()
    {
        var (img, _) = Inputs();
        Assert.Throws<ArgumentException>(() => HazeSynthesizer.Synthesize(img, new float[10], SynthesisOptions.Official, 0, 0));
    }
}
