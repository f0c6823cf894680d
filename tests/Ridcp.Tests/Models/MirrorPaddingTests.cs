using Ridcp.Models;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Models;

/// <summary>test()'s padding, README section 4 of the parity fixtures.</summary>
public class MirrorPaddingTests
{
    [Theory]
    [InlineData(72, 96)]
    [InlineData(45, 64)]
    [InlineData(64, 96)]   // already a multiple: still one more block
    [InlineData(438, 448)]
    [InlineData(640, 672)]
    public void Target_size_always_grows_to_the_next_multiple_of_32(long n, long expected) =>
        Assert.Equal(expected, MirrorPadding.Target(n, 32));

    [Fact]
    public void Padding_mirrors_symmetrically_and_keeps_the_image_in_the_top_left_corner()
    {
        using var scope = NewDisposeScope();
        var x = arange(2 * 20 * 17, dtype: float32).reshape(1, 2, 20, 17);
        var p = MirrorPadding.Pad(x, 32);
        Assert.Equal(new long[] { 1, 2, 32, 32 }, p.shape);
        Assert.True(ParityNets.BitEqual(p.narrow(2, 0, 20).narrow(3, 0, 17), x));
        for (int t = 0; t < 12; t++)   // padded row h + t equals row h - 1 - t
            Assert.True(ParityNets.BitEqual(p.narrow(2, 20 + t, 1).narrow(3, 0, 17), x.narrow(2, 19 - t, 1)));
        for (int t = 0; t < 15; t++)
            Assert.True(ParityNets.BitEqual(p.narrow(3, 17 + t, 1), p.narrow(3, 16 - t, 1)));
    }

    [Fact]
    public void Images_under_half_a_block_are_rejected_with_a_clear_message()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => MirrorPadding.Pad(zeros(1, 3, 10, 40), 32));
        Assert.Contains("too small", e.Message);
    }
}
