using Ridcp.Bricks.Deformable;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Deformable;

public class ModulatedDeformConvTests(ITestOutputHelper output)
{
    /// <summary>float64 agreement with the loop reference: the only rounding difference is grid_sample's
    /// normalise/unnormalise round trip of the sample coordinates (~1e-16 relative), so 1e-12 is generous.</summary>
    private const double Float64Agreement = 1e-12;

    /// <summary>torch.autograd.gradcheck's default tolerances (atol 1e-5, rtol 1e-3) for central differences with
    /// eps 1e-6 in float64.</summary>
    private const double GradAtol = 1e-5, GradRtol = 1e-3, FiniteDifferenceStep = 1e-6;

    [Fact]
    public void Matches_a_loop_reference_with_stride_dilation_padding_and_two_groups_in_float64()
    {
        using var scope = NewDisposeScope();
        const int b = 2, c = 4, h = 7, w = 9, cOut = 3, kh = 3, kw = 3, stride = 2, pad = 2, dil = 2, dg = 2;
        var rng = new Random(7);
        int ho = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, wo = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        var x = Uniform(rng, b * c * h * w, -2, 2);
        // Offsets in [-4, 4]: a fifth rounded to integers and a tenth to halves, so samples land exactly on pixels,
        // on the -1 / H borders and between pixels (as in the dcn_core fixture).
        var offset = Uniform(rng, b * dg * 2 * kh * kw * ho * wo, -4, 4)
            .Select(v => rng.NextDouble() switch { < 0.2 => Math.Round(v), < 0.3 => Math.Round(v * 2) / 2, _ => v }).ToArray();
        var mask = Uniform(rng, b * dg * kh * kw * ho * wo, 0, 1);
        var weight = Uniform(rng, cOut * c * kh * kw, -0.5, 0.5);
        var bias = Uniform(rng, cOut, -0.1, 0.1);

        var expected = NaiveDeformConv.Run(x, b, c, h, w, offset, mask, weight, cOut, kh, kw, bias, stride, pad, dil, dg, out _, out _);
        var actual = ModulatedDeformConv.Apply(
            T(x, b, c, h, w), T(offset, b, dg * 2 * kh * kw, ho, wo), T(mask, b, dg * kh * kw, ho, wo),
            T(weight, cOut, c, kh, kw), T(bias, cOut), stride, pad, dil, dg);

        Assert.Equal(new long[] { b, cOut, ho, wo }, actual.shape);
        double diff = TensorDiff.MaxAbs(actual, T(expected, b, cOut, ho, wo));
        output.WriteLine($"float64 loop reference max abs diff {diff:e3}");
        Assert.True(diff <= Float64Agreement, $"max abs diff {diff:e3}");
    }

    [Fact]
    public void Row_chunks_give_the_same_result_as_one_pass()
    {
        using var scope = NewDisposeScope();
        var g = new TorchSharp.torch.Generator(11);
        var x = rand(1, 8, 13, 10, ScalarType.Float64, generator: g);
        var offset = rand(1, 2 * 2 * 9, 13, 10, ScalarType.Float64, generator: g).mul(6).sub(3);
        var mask = rand(1, 2 * 9, 13, 10, ScalarType.Float64, generator: g);
        var weight = rand(5, 8, 3, 3, ScalarType.Float64, generator: g).sub(0.5);

        var whole = ModulatedDeformConv.Apply(x, offset, mask, weight, null, 1, 1, 1, 2, long.MaxValue);
        var chunked = ModulatedDeformConv.Apply(x, offset, mask, weight, null, 1, 1, 1, 2, workingSetBytes: 1);   // one row per chunk

        Assert.Equal(0.0, TensorDiff.MaxAbs(chunked, whole), 12);
    }

    /// <summary>Row chunks change only the order in which autograd sums the per-chunk gradient contributions of the
    /// input, weight and bias (offset and mask gradients are per row); in float64 that is ~1e-16 relative.</summary>
    private const double ChunkedGradientAgreement = 1e-12;

    [Fact]
    public void Row_chunks_give_the_same_gradients_as_one_pass()
    {
        using var scope = NewDisposeScope();
        var g = new TorchSharp.torch.Generator(12);
        Tensor[] Leaves() => [rand(2, 8, 13, 10, ScalarType.Float64, generator: g), rand(2, 2 * 2 * 9, 13, 10, ScalarType.Float64, generator: g).mul(6).sub(3),
                              rand(2, 2 * 9, 13, 10, ScalarType.Float64, generator: g), rand(5, 8, 3, 3, ScalarType.Float64, generator: g).sub(0.5),
                              rand(5, ScalarType.Float64, generator: g)];
        var values = Leaves();
        var cotangent = rand(2, 5, 13, 10, ScalarType.Float64, generator: g);
        Tensor[] Gradients(long workingSet)
        {
            var leaves = values.Select(v => v.clone().requires_grad_(true)).ToArray();
            var y = ModulatedDeformConv.Apply(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], 1, 1, 1, 2, workingSet);
            (y * cotangent).sum().backward();
            return leaves.Select(l => l.grad!).ToArray();
        }
        var whole = Gradients(long.MaxValue);
        var chunked = Gradients(1);   // one row per chunk
        for (int i = 0; i < whole.Length; i++)
            Assert.True(TensorDiff.MaxAbs(chunked[i], whole[i]) <= ChunkedGradientAgreement, $"gradient {i}: max abs diff {TensorDiff.MaxAbs(chunked[i], whole[i]):e3}");
    }

    [Fact]
    public void Gradients_match_finite_differences_for_input_offset_mask_and_weight()
    {
        using var scope = NewDisposeScope();
        const int c = 4, h = 4, w = 5, cOut = 2, dg = 2, k = 9;
        var rng = new Random(3);
        var x = Uniform(rng, c * h * w, -1, 1);
        // Bilinear sampling has kinks at integer coordinates (and the -1 / H borders); keep every sample position's
        // fractional part in [0.2, 0.8] so central differences see a smooth function.
        var offset = Uniform(rng, dg * 2 * k * h * w, -2.5, 2.5).Select(v => Math.Floor(v) + 0.2 + 0.6 * rng.NextDouble()).ToArray();
        var mask = Uniform(rng, dg * k * h * w, 0.05, 0.95);
        var weight = Uniform(rng, cOut * c * 9, -0.5, 0.5);
        var bias = Uniform(rng, cOut, -0.1, 0.1);
        var cotangent = T(Uniform(rng, cOut * h * w, -1, 1), 1, cOut, h, w);
        long[][] shapes = [[1, c, h, w], [1, dg * 2 * k, h, w], [1, dg * k, h, w], [cOut, c, 3, 3]];
        double[][] values = [x, offset, mask, weight];
        string[] names = ["input", "offset", "mask", "weight"];

        var leaves = values.Select((v, i) => T(v, shapes[i]).requires_grad_(true)).ToArray();
        var loss = ModulatedDeformConv.Apply(leaves[0], leaves[1], leaves[2], leaves[3], T(bias, cOut), 1, 1, 1, dg).mul(cotangent).sum();
        loss.backward();

        double Loss(double[][] v)
        {
            using var inner = NewDisposeScope();
            using var _ = no_grad();
            var y = ModulatedDeformConv.Apply(T(v[0], shapes[0]), T(v[1], shapes[1]), T(v[2], shapes[2]), T(v[3], shapes[3]), T(bias, cOut), 1, 1, 1, dg);
            return y.mul(cotangent).sum().item<double>();
        }

        for (int t = 0; t < 4; t++)
        {
            var analytic = leaves[t].grad!.data<double>().ToArray();
            double worst = 0;
            // Every element of input and weight; a regular subset (every 3rd / 5th) of mask and offset to keep the test short.
            int step = names[t] switch { "offset" => 5, "mask" => 3, _ => 1 }, checkedCount = 0;
            for (int e = 0; e < values[t].Length; e += step, checkedCount++)
            {
                double keep = values[t][e];
                values[t][e] = keep + FiniteDifferenceStep; double up = Loss(values);
                values[t][e] = keep - FiniteDifferenceStep; double down = Loss(values);
                values[t][e] = keep;
                double numeric = (up - down) / (2 * FiniteDifferenceStep);
                double err = Math.Abs(analytic[e] - numeric);
                Assert.True(err <= GradAtol + GradRtol * Math.Abs(numeric), $"d loss / d {names[t]}[{e}]: analytic {analytic[e]:e6}, numeric {numeric:e6}");
                worst = Math.Max(worst, err);
            }
            output.WriteLine($"{names[t]}: {checkedCount} of {values[t].Length} elements, worst |analytic - numeric| {worst:e3}");
        }
    }

    [Fact]
    public void Wrong_offset_shape_is_rejected_with_the_expected_shape_in_the_message()
    {
        using var scope = NewDisposeScope();
        var x = zeros(1, 8, 6, 6);
        var ex = Assert.Throws<ArgumentException>(() =>
            ModulatedDeformConv.Apply(x, zeros(1, 18, 6, 6), zeros(1, 18, 6, 6), zeros(4, 8, 3, 3), null, 1, 1, 1, 2));
        Assert.Contains("offset must be [1, 36, 6, 6]", ex.Message);
    }

    private static double[] Uniform(Random rng, int n, double lo, double hi) =>
        Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * rng.NextDouble()).ToArray();

    private static Tensor T(double[] v, params long[] shape) => tensor(v, shape, ScalarType.Float64);
}
