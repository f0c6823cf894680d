using Ridcp.Models;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static Ridcp.Tests.Models.ParityNets;

namespace Ridcp.Tests.Models;

/// <summary>The whole LQ net (RIDCP as inference_ridcp.py builds it with --use_weight) against lq_full of the parity
/// fixtures: padding, encoder, quantiser with controllable matching, both decoders, test()'s crop.</summary>
public class LqParityTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("lq_45x61", "a0", 0.0f)]
    [InlineData("lq_45x61", "am21.25", -21.25f)]
    [InlineData("lq_45x61", "ap10", 10.0f)]
    [InlineData("lq_72x100", "a0", 0.0f)]
    [InlineData("lq_72x100", "am21.25", -21.25f)]
    [InlineData("lq_72x100", "ap10", 10.0f)]
    public void Lq_forward_matches_the_official_net(string name, string tag, float alpha)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var net = Lq;
        var input = Npy($"{name}_input.npy");

        var padded = MirrorPadding.Pad(input, net.Options.PadMultiple);
        Assert.True(BitEqual(padded, Npy($"{name}_padded_input.npy")), "padded input differs");

        using var r = net.EncodeAndDecode(padded, alpha);
        AssertIndicesEqual(Npy($"{name}_{tag}_indices.npy"), r.Indices);
        var d = new Dictionary<string, double>
        {
            ["enc_feats"] = MaxAbsDiff(r.EncFeats, Npy($"{name}_enc_feats.npy")),
            ["feat_to_quant"] = MaxAbsDiff(r.FeatToQuant, Npy($"{name}_feat_to_quant.npy")),
            ["out_img_vq"] = MaxAbsDiff(r.OutImg!, Npy($"{name}_{tag}_out_img_vq.npy")),
            ["out_residual"] = MaxAbsDiff(r.OutImgResidual!, Npy($"{name}_{tag}_out_residual.npy")),
        };
        // z_quant is stored for 45x61 only; for 72x100 it follows from feat_to_quant and the indices (README section 3).
        var zExpected = name == "lq_45x61"
            ? Npy($"{name}_{tag}_z_quant.npy")
            : r.FeatToQuant + (net.Quantizer.CodebookEntry(r.Indices) - r.FeatToQuant);
        d["z_quant"] = MaxAbsDiff(r.ZQuant, zExpected);

        // test()'s crop of the residual image (test() itself is checked below on 45x61; one forward per case here).
        d["output"] = MaxAbsDiff(r.OutImgResidual!.narrow(2, 0, input.shape[2]).narrow(3, 0, input.shape[3]), Npy($"{name}_{tag}_output.npy"));

        log.WriteLine($"{name} alpha {alpha}: " + string.Join(", ", d.Select(p => $"{p.Key} {p.Value:E3}")));
        foreach (var (what, diff) in d)
        {
            double tol = what is "enc_feats" or "feat_to_quant" or "z_quant" ? ParityTolerances.Feature : ParityTolerances.Image;
            Assert.True(diff <= tol, $"{what} differs by {diff} (tolerance {tol})");
        }
    }

    [Fact]
    public void Alpha_zero_on_the_chm_net_equals_the_net_without_chm_weight()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var plain = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialLq with { UseWeight = false });
        var weights = Lq.state_dict();
        foreach (var (key, t) in plain.state_dict()) t.copy_(weights[key]);
        var input = Npy("lq_45x61_input.npy");

        var (withChm, idxChm) = Lq.Test(input, 0f);
        var (without, idxPlain) = plain.Test(input);
        Assert.True(BitEqual(idxChm, idxPlain));
        Assert.True(BitEqual(withChm, without));
    }

    [Fact]
    public void Test_matches_the_official_test_and_alpha_is_per_call_not_sticky()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var input = Npy("lq_45x61_input.npy");
        var (output10, indices10) = Lq.Test(input, 10f);
        AssertIndicesEqual(Npy("lq_45x61_ap10_indices.npy"), indices10);
        double d10 = MaxAbsDiff(output10, Npy("lq_45x61_ap10_output.npy"));

        // Without alpha the options' -21.25 applies, not the 10 of the previous call (official quirk not copied).
        var (output, indices) = Lq.Test(input);
        AssertIndicesEqual(Npy("lq_45x61_am21.25_indices.npy"), indices);
        double d = MaxAbsDiff(output, Npy("lq_45x61_am21.25_output.npy"));
        log.WriteLine($"test(): alpha 10 {d10:E3}, default alpha {d:E3}");
        Assert.True(d10 <= ParityTolerances.Image && d <= ParityTolerances.Image, $"test() output differs by {d10} / {d}");
    }
}
