using Ridcp.Imaging;
using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class DegradationStagesTests
{
    // float32 arithmetic against a double reference: a few ulps of values in [0,1].
    const float FloatTolerance = 1e-6f;

    static RgbImage Gradient(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (i * 37 % 256) / 255f;
        return img;
    }

    [Fact]
    public void Gamma_raises_every_value_to_the_power_gamma()
    {
        var data = new float[] { 0f, 1f, 0.5f, 128 / 255f, 0.3333f, 1 / 255f };
        var expected = data.Select(v => (float)Math.Pow(v, 2.2)).ToArray();
        DegradationStages.ApplyGamma(data, 2.2);
        for (int i = 0; i < data.Length; i++) Assert.Equal(expected[i], data[i], FloatTolerance);
    }

    [Fact]
    public void Transmission_is_exp_of_minus_two_beta_times_far_ness()
    {
        var d = new float[] { 0f, 0.25f, 1f };
        var inv = DegradationStages.Transmission(d, 0.8, DepthKind.Inverse);
        var dep = DegradationStages.Transmission(d, 0.8, DepthKind.Depth);
        for (int i = 0; i < d.Length; i++)
        {
            Assert.Equal((float)Math.Exp(-2 * 0.8 * (1 - d[i])), inv[i], FloatTolerance);
            Assert.Equal((float)Math.Exp(-2 * 0.8 * d[i]), dep[i], FloatTolerance);
        }
    }

    [Fact]
    public void Haze_is_the_scattering_model_per_channel()
    {
        var img = Gradient(5, 4);
        var before = (float[])img.Data.Clone();
        var t = Enumerable.Range(0, 20).Select(i => i / 19f).ToArray();
        double[] a = [0.9, 0.8, 0.7];
        DegradationStages.ApplyHaze(img, t, a);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 20; i++)
                Assert.Equal(before[c * 20 + i] * t[i] + a[c] * (1 - t[i]), img.Data[c * 20 + i], FloatTolerance);
    }

    [Fact]
    public void Grey_noise_adds_the_same_value_to_all_channels_with_sigma_level_over_255()
    {
        var img = new RgbImage(256, 256);
        Array.Fill(img.Data, 0.5f);
        DegradationStages.AddNoise(img, NoiseMode.Gray, 10, null, new SynthesisRng(3));
        int plane = 256 * 256;
        double sq = 0;
        for (int i = 0; i < plane; i++)
        {
            Assert.Equal(img.Data[i], img.Data[plane + i]);
            Assert.Equal(img.Data[i], img.Data[2 * plane + i]);
            sq += (img.Data[i] - 0.5) * (img.Data[i] - 0.5);
        }
        double sigma = Math.Sqrt(sq / plane), expected = 10 / 255.0;
        Assert.InRange(sigma, expected * 0.98, expected * 1.02); // 65536 samples: standard error of σ is 0.3 %
    }

    [Fact]
    public void Colour_noise_is_independent_per_channel()
    {
        var img = new RgbImage(256, 256);
        Array.Fill(img.Data, 0.5f); // 0.5 ± 5σ (σ = 25/255) stays inside [0,1]
        DegradationStages.AddNoise(img, NoiseMode.Color, 25, null, new SynthesisRng(4));
        int n = 256 * 256;
        double rg = 0, rr = 0;
        for (int i = 0; i < n; i++) { rg += (img.Data[i] - 0.5) * (img.Data[n + i] - 0.5); rr += (img.Data[i] - 0.5) * (img.Data[i] - 0.5); }
        double correlation = rg / rr;
        Assert.InRange(correlation, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n)); // 5 standard errors of a zero correlation
        Assert.InRange(Math.Sqrt(rr / n), 25 / 255.0 * 0.98, 25 / 255.0 * 1.02);
    }

    [Fact]
    public void Noise_is_clipped_to_the_unit_interval()
    {
        var img = new RgbImage(128, 128);
        Array.Fill(img.Data, 0.02f);
        Array.Fill(img.Data, 0.98f, 0, 128 * 64);
        DegradationStages.AddNoise(img, NoiseMode.Color, 25, null, new SynthesisRng(4));
        Assert.All(img.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(0f, img.Data);
        Assert.Contains(1f, img.Data);
    }

    static double[] MMt(double[] m)
    {
        var r = new double[9];
        for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) for (int k = 0; k < 3; k++) r[a * 3 + b] += m[a * 3 + k] * m[b * 3 + k];
        return r;
    }

    [Fact]
    public void The_mixing_matrix_reproduces_a_positive_definite_covariance()
    {
        double[] cov = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
        var r = MMt(CorrelatedNoise.MixingFor(cov));
        for (int i = 0; i < 9; i++) Assert.Equal(cov[i], r[i], 10);
    }

    [Fact]
    public void An_indefinite_covariance_is_sampled_with_absolute_eigenvalues_like_numpy()
    {
        // eigenvalues of [[1,2],[2,1]] ⊕ [1] are 3, -1, 1; numpy's SVD factor gives Q|Λ|Qᵀ = [[2,1],[1,2]] ⊕ [1]
        double[] cov = [1, 2, 0, 2, 1, 0, 0, 0, 1];
        double[] expected = [2, 1, 0, 1, 2, 0, 0, 0, 1];
        var r = MMt(CorrelatedNoise.MixingFor(cov));
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], r[i], 10);
    }

    [Fact]
    public void Random_covariances_are_symmetric_non_negative_and_bounded_by_L_squared()
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            var cov = CorrelatedNoise.RandomCovariance(0.1, new SynthesisRng(seed));
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                {
                    Assert.Equal(cov[a * 3 + b], cov[b * 3 + a], 14);
                    Assert.InRange(cov[a * 3 + b], 0, 0.01 + 1e-15); // |Uᵀ D U| entries ≤ max d < 1, times L² = 0.01
                }
            double trace = cov[0] + cov[4] + cov[8];
            Assert.InRange(trace, 0, 0.03); // trace Uᵀ D U = Σ d_k < 3
        }
    }

    [Fact]
    public void Jacobi_eigendecomposition_reconstructs_a_symmetric_matrix()
    {
        double[] s = [2, -1, 0.5, -1, 3, 0.25, 0.5, 0.25, -1];
        var (l, v) = CorrelatedNoise.SymmetricEigen(s);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
            {
                double r = 0;
                for (int k = 0; k < 3; k++) r += v[a * 3 + k] * l[k] * v[b * 3 + k];
                Assert.Equal(s[a * 3 + b], r, 10);
            }
    }

    [Fact]
    public void Jpeg_round_trip_returns_8_bit_values_close_to_the_input_and_closer_at_higher_quality()
    {
        var img = Gradient(64, 48);
        // smooth it so JPEG has something natural to compress
        for (int c = 0; c < 3; c++) for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) img[c, y, x] = (x + y + 20 * c) / 200f;
        var hi = new RgbImage(64, 48, (float[])img.Data.Clone());
        var lo = new RgbImage(64, 48, (float[])img.Data.Clone());
        DegradationStages.JpegRoundTrip(hi, 95);
        DegradationStages.JpegRoundTrip(lo, 10);
        Assert.All(hi.Data, v => Assert.Equal(Math.Round(v * 255) / 255, v, 5));
        double eHi = img.Data.Zip(hi.Data, (a, b) => Math.Abs(a - b)).Average();
        double eLo = img.Data.Zip(lo.Data, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(eHi < 2 / 255.0, $"quality 95 mean error {eHi * 255:F2}/255");
        Assert.True(eLo > eHi, $"quality 10 error {eLo} not above quality 95 error {eHi}");
    }
}
