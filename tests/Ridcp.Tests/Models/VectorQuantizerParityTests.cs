using Ridcp.Models;
using Ridcp.Tests.Parity;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static Ridcp.Tests.Models.ParityNets;

namespace Ridcp.Tests.Models;

/// <summary>quantize_group.0 of the LQ net against the quantizer case of the parity fixtures.</summary>
public class VectorQuantizerParityTests(ITestOutputHelper output)
{
    private static VectorQuantizer MakeQuantizer()
    {
        var q = new VectorQuantizer(1024, 512, beta: 0.25f, lqStage: true, useWeight: true, weightAlpha: -21.25f);
        DeterministicWeights.Fill(q, "quantize_group.0.");
        return q;
    }

    /// <summary>Eval losses of cases.json (quantizer.per_alpha.*.loss_no_gt).</summary>
    [Theory]
    [InlineData("a0", 0.0f, 0.6856106519699097)]
    [InlineData("am21.25", -21.25f, 0.6990435719490051)]
    public void Quantizer_matches_the_official_one(string tag, float alpha, double lossNoGt)
    {
        using var scope = NewDisposeScope();
        using var q = MakeQuantizer();
        var z = Npy("quant_z.npy");
        using var r = q.Forward(z, weightAlpha: alpha);

        AssertIndicesEqual(Npy($"quant_{tag}_indices.npy"), r.Indices);
        double dZq = MaxAbsDiff(r.ZQuant, Npy($"quant_{tag}_z_q.npy"));
        double loss = r.CodebookLoss.item<float>();
        output.WriteLine($"quant alpha {alpha}: z_q {dZq:E3}, loss {loss} (official {lossNoGt})");
        Assert.True(dZq <= ParityTolerances.Feature, $"z_q differs by {dZq}");
        Assert.True(Math.Abs(loss - lossNoGt) <= ParityTolerances.LossRelative * lossNoGt, $"loss {loss} vs {lossNoGt}");
    }

    [Fact]
    public void Lq_training_loss_and_its_gradient_match_the_official_ones()
    {
        using var scope = NewDisposeScope();
        using var q = MakeQuantizer();
        var z = Npy("quant_z.npy").requires_grad_(true);
        using var r = q.Forward(z, gtIndices: Npy("quant_gt_indices.npy"), weightAlpha: -21.25f);
        r.CodebookLoss.mean().backward();

        double dLoss = MaxAbsDiff(r.CodebookLoss, Npy("quant_gt_codebook_loss.npy"));
        double dGrad = MaxAbsDiff(z.grad!, Npy("quant_gt_grad_z.npy"));
        double mean = r.CodebookLoss.mean().item<float>();
        output.WriteLine($"quant gt: loss tensor {dLoss:E3}, grad z {dGrad:E3}, mean {mean} (official 0.210153266787529)");
        Assert.True(dLoss <= ParityTolerances.GtCodebookLoss, $"codebook loss tensor differs by {dLoss}");
        Assert.True(dGrad <= ParityTolerances.GtGradZ, $"gradient differs by {dGrad}");
        Assert.True(Math.Abs(mean - 0.210153266787529) <= ParityTolerances.LossRelative * 0.210153266787529);
    }

    [Fact]
    public void Quantised_features_are_the_codebook_rows_of_the_returned_indices()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var q = MakeQuantizer();
        using var r = q.Forward(Npy("quant_z.npy"), weightAlpha: -21.25f);
        var rows = q.CodebookEntry(r.Indices);
        // The straight-through z + (z_q - z) may differ from z_q in the last bit only (README section 9).
        double d = MaxAbsDiff(r.ZQuant, rows);
        Assert.True(d <= 1e-6, $"z_q is {d} away from the codebook rows");
        Assert.True(BitEqual(rows, q.Codebook.index_select(0, r.Indices.flatten()).view(1, 8, 8, 512).permute(0, 3, 1, 2)));
    }

    [Fact]
    public void Alpha_zero_is_plain_nearest_code_matching()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var q = MakeQuantizer();
        var zFlat = Npy("quant_z.npy").permute(0, 2, 3, 1).reshape(-1, 512);
        Assert.True(BitEqual(q.WeightedDistances(zFlat, 0f), q.Distances(zFlat)));
        Assert.True(BitEqual(q.MatchIndices(zFlat, 0f), q.Distances(zFlat).argmin(1)));
        // A non-zero alpha does change decisions on this case (28 of 64 at -21.25, README section 3).
        Assert.Equal(28L, q.MatchIndices(zFlat, -21.25f).ne(q.MatchIndices(zFlat, 0f)).sum().item<long>());
    }

    [Fact]
    public void Match_indices_use_the_chm_weight_that_was_set()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var q = MakeQuantizer();
        var zFlat = Npy("quant_z.npy").permute(0, 2, 3, 1).reshape(-1, 512);
        var before = q.MatchIndices(zFlat, -21.25f);
        q.SetChmWeight(zeros(1024));
        Assert.True(BitEqual(q.MatchIndices(zFlat, -21.25f), q.Distances(zFlat).argmin(1)));
        q.SetChmWeight(DeterministicWeights.Make("quantize_group.0.weight", [1024]));
        Assert.True(BitEqual(q.MatchIndices(zFlat, -21.25f), before));
        Assert.Throws<ArgumentException>(() => q.SetChmWeight(zeros(1023)));
    }
}
