using Xunit;
using static TorchSharp.torch;
using static Ridcp.Tests.Models.ParityNets;

namespace Ridcp.Tests.Models;

public class DecodeIndicesTests
{
    /// <summary>The forward decodes z + (z_q - z), which may differ from the codebook rows z_q in the last bit
    /// (README section 9); through three convs and two decoder blocks that stays far below this.</summary>
    private const double StraightThroughRounding = 1e-5;

    [Fact]
    public void Decoding_the_indices_of_a_forward_gives_its_vq_image()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var r = Hq.EncodeAndDecode(Npy("hq_64x64_input.npy"));
        var decoded = Hq.DecodeIndices(r.Indices);
        double d = MaxAbsDiff(decoded, r.OutImg!);
        Assert.True(d <= StraightThroughRounding, $"decoded image differs by {d}");
        // And against the official image: the stored indices decode to the stored out_img.
        double dOfficial = MaxAbsDiff(Hq.DecodeIndices(Npy("hq_64x64_indices.npy")), Npy("hq_64x64_out_img.npy"));
        Assert.True(dOfficial <= ParityTolerances.Image, $"decoded official indices differ by {dOfficial}");
    }

    [Fact]
    public void Decode_indices_rejects_indices_that_are_not_four_dimensional()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Hq.DecodeIndices(zeros(new long[] { 16, 16 }, int64)));
    }
}
