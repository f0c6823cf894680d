using Ridcp.Core;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Core;

public class ChannelSumsTests
{
    /// <summary>Per-channel sums and sums of squares in float64 by LibTorch, of the values as float64.</summary>
    static (double[] Sum, double[] SumSq) Float64Sums(Tensor t)
    {
        var d = t.to(ScalarType.Float64).reshape(-1, t.shape[^1]);
        return (d.sum([0]).data<double>().ToArray(), d.square().sum([0]).data<double>().ToArray());
    }

    [Theory]
    [InlineData(ScalarType.Float32, 32)]
    [InlineData(ScalarType.Float32, 64)]
    [InlineData(ScalarType.BFloat16, 32)]
    [InlineData(ScalarType.BFloat16, 256)]
    public void Sums_match_float64_over_many_chunks(ScalarType type, int channels)
    {
        // 70 x 300 pixels: two chunks and a part one, runs that do not divide them; a mean 10x the spread (where
        // float32 accumulation over long runs loses the variance: Bricks/Residual/GroupSums).
        var t = (randn(1, 70, 300, channels, generator: new Generator(3)) * 0.1 + 1.0).to(type);
        double[] sum = new double[channels], sumSq = new double[channels];
        ChannelSums.Add(t, sum, sumSq);
        var (expectedSum, expectedSumSq) = Float64Sums(t);
        for (int j = 0; j < channels; j++)
        {
            // Runs of 256 float32 additions of values near 1 (ulp 1.2e-7): a relative error well under 1e-6.
            Assert.True(Math.Abs(sum[j] - expectedSum[j]) < 1e-6 * expectedSum[j], $"channel {j}: sum {sum[j]} vs {expectedSum[j]}");
            Assert.True(Math.Abs(sumSq[j] - expectedSumSq[j]) < 1e-6 * expectedSumSq[j], $"channel {j}: sum of squares {sumSq[j]} vs {expectedSumSq[j]}");
        }
    }

    [Fact]
    public void Sums_add_to_what_the_arrays_held()
    {
        var t = ones(1, 2, 3, 8);
        double[] sum = [.. Enumerable.Repeat(10.0, 8)], sumSq = new double[8];
        ChannelSums.Add(t, sum, sumSq);
        Assert.All(sum, s => Assert.Equal(16.0, s));
        Assert.All(sumSq, s => Assert.Equal(6.0, s));
    }

    [Fact]
    public void A_row_slice_is_read_from_its_own_first_element()
    {
        // A contiguous slice starts at a storage offset (TensorMemory.Address): rows 7-9 of 12, values 56..79.
        var rows = arange(12 * 8, dtype: ScalarType.Float32).view(12, 8);
        double[] sum = new double[8], sumSq = new double[8];
        ChannelSums.Add(rows.narrow(0, 7, 3), sum, sumSq);
        for (int j = 0; j < 8; j++) Assert.Equal((56 + j) + (64 + j) + (72 + j), sum[j]);
    }

    [Fact]
    public void Strided_or_odd_channel_maps_are_not_taken()
    {
        Assert.False(ChannelSums.Supports(ones(1, 8, 4, 4).permute(0, 2, 3, 1)));   // NCHW seen as NHWC: not contiguous
        Assert.False(ChannelSums.Supports(ones(1, 4, 4, 12)));
        Assert.False(ChannelSums.Supports(ones(1, 4, 4, 8, dtype: ScalarType.Float64)));
        Assert.True(ChannelSums.Supports(ones(1, 4, 4, 8, dtype: ScalarType.BFloat16)));
        Assert.Throws<ArgumentException>(() => ChannelSums.Add(ones(1, 4, 4, 12), new double[12], new double[12]));
    }
}
