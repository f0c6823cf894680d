using Ridcp.Core;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Core;

public class TensorMemoryTests
{
    /// <summary>Both accumulate in float32 (LibTorch's cascade sum, TensorMemory's 4096-element blocks summed in
    /// double): over 10^5 values of mean ~1 each is within a few float32 ulps of the exact mean.</summary>
    private const double MeanAgreement = 1e-6;

    [Fact]
    public void Bf16_mean_of_a_channels_last_map_equals_the_float32_mean()
    {
        using var scope = NewDisposeScope();
        var g = new TorchSharp.torch.Generator(4);
        var map = (randn(1, 37, 41, 67, generator: g) + 1).to(ScalarType.BFloat16).permute(0, 3, 1, 2);   // channels-last, odd sizes
        Assert.True(TensorMemory.IsDense(map));
        double expected = map.to(ScalarType.Float64).mean().item<double>();
        Assert.Equal(expected, TensorMemory.Bf16Mean(map), MeanAgreement);
    }

    [Fact]
    public void A_row_slice_is_read_from_its_own_first_element()
    {
        using var scope = NewDisposeScope();
        var rows = arange(12 * 5, dtype: ScalarType.BFloat16).view(12, 5);
        var slice = rows.narrow(0, 7, 3);                                   // dense, storage offset 35
        Assert.Equal(slice.to(ScalarType.Float64).mean().item<double>(), TensorMemory.Bf16Mean(slice), 12);
    }

    [Fact]
    public void Strided_views_are_not_dense()
    {
        using var scope = NewDisposeScope();
        var map = zeros(1, 4, 4, 8, ScalarType.BFloat16).permute(0, 3, 1, 2);   // channels-last [1, 8, 4, 4]
        Assert.True(TensorMemory.IsDense(map));
        Assert.False(TensorMemory.IsDense(map.narrow(1, 0, 3)));              // 3 of every 8 channels
        Assert.False(TensorMemory.IsDense(map.contiguous().narrow(3, 1, 2)));  // 2 of every 4 columns
        Assert.True(TensorMemory.IsDense(map.narrow(2, 1, 2)));               // whole rows
        Assert.Throws<ArgumentException>(() => TensorMemory.Bf16Mean(map.narrow(1, 0, 3)));
    }
}
