using Ridcp.Inference;
using Ridcp.Models;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>The features a network's quantizer matches for one image, prepared exactly as `ridcp dehaze` prepares
/// its input (Dehazer.DehazeTensor: the official large-image halving, then test()'s mirror padding), so statistics,
/// the α search and `--alpha auto` see the tokens that dehazing sees.</summary>
public static class NetworkFeatures
{
    /// <summary>feat_to_quant [1,D,⌈h/s⌉,⌈w/s⌉] of x [1,3,H,W] in [0,1] (s = 2^max_depth, h×w the size the network
    /// runs at). Deliberate choice: the tokens that only cover the mirror padding are dropped — they repeat image
    /// content and their number depends on how far the size is from the next multiple of 32, which would weight
    /// images unevenly in the frequencies.</summary>
    /// <param name="encode">feat_to_quant of the padded image; by default the whole image's (the encoder alone where
    /// the network splits at the latent grid). Dehazer passes one that keeps to its memory budget.</param>
    public static Tensor Of(VQWeightDehazeNet net, Tensor x, int? maxSize, Func<Tensor, Tensor>? encode = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long h = x.shape[2], w = x.shape[3];
        if (MaxSizeRule.NeedsHalving(h, w, maxSize))
        {
            if (h < 2 || w < 2) throw new InvalidDataException($"image {w}x{h} cannot be halved");
            h /= 2; w /= 2;
            x = MaxSizeRule.Resize(x, h, w);
        }
        Tensor padded;
        try { padded = MirrorPadding.Pad(x, net.Options.PadMultiple); }
        catch (ArgumentException e) { throw new InvalidDataException(e.Message, e); }
        var featToQuant = (encode ?? (p => Whole(net, p)))(padded);
        int s = 1 << net.Options.MaxDepth;
        var f = featToQuant.narrow(2, 0, (h + s - 1) / s).narrow(3, 0, (w + s - 1) / s).contiguous();
        return f.MoveToOuterDisposeScope();
    }

    /// <summary>feat_to_quant of a whole padded image: the encoder alone where the network splits at the latent grid
    /// (the LQ dehazers), else the whole forward (the HQ VQGAN of `chm stats --stage hq`).</summary>
    public static Tensor Whole(VQWeightDehazeNet net, Tensor padded)
    {
        using var scope = NewDisposeScope();
        if (net.Options.SplitsAtLatent) return net.EncodeLatent(padded).FeatToQuant.MoveToOuterDisposeScope();
        using var r = net.EncodeAndDecode(padded, 0f);
        return r.FeatToQuant.clone().MoveToOuterDisposeScope();   // r's disposal takes its own tensors along
    }
}
