using Ridcp.Imaging;
using Ridcp.Inference;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>`ridcp dehaze --alpha auto`: chooses α for each image by the criterion of the recommended α — the α that
/// brings this image's code frequencies under weighted matching closest (KL) to the clear images' p1 — within a
/// range, then dehazes with it. Not in the official code or the paper; the global α of `chm alpha` is the recipe.
/// Cost: one extra encoder pass per image to get its features, in stripes where the image's forward does not fit
/// the memory budget (Inference/Streaming).
/// One image has far fewer tokens than there are codes, so its histogram is sparse and the ε floor of
/// <see cref="KlDivergence"/> weighs heavily; that is the same criterion, applied to a small sample.</summary>
public sealed class PerImageAlpha
{
    readonly Dehazer dehazer;
    readonly double[] p1;
    readonly AlphaSearchOptions options;

    public PerImageAlpha(Dehazer dehazer, CodeStatistics clear, AlphaSearchOptions options)
    {
        options.Validate();
        if (dehazer.Network.Quantizer.ChmWeight is null || !dehazer.Architecture.UseWeight)
            throw new ArgumentException("--alpha auto needs a CHM weight (--chm-weight FILE)");
        int codes = (int)dehazer.Network.Quantizer.Codebook.shape[0];
        if (clear.CodebookSize != codes)
            throw new InvalidDataException($"the clear statistics count {clear.CodebookSize} codes, the network has {codes}");
        if (clear.Tokens == 0) throw new InvalidDataException("the clear statistics count no tokens");
        this.dehazer = dehazer;
        p1 = clear.Frequencies();
        this.options = options;
    }

    /// <summary>The clear statistics kept beside a CHM weight file by `ridcp chm weight` (WEIGHT.p1.json).</summary>
    public static CodeStatistics ClearStatisticsFor(string chmWeightPath)
    {
        string path = ChmWeight.ClearStatisticsPath(chmWeightPath);
        if (!File.Exists(path))
            throw new FileNotFoundException($"--alpha auto needs the clear images' code statistics beside the CHM weight ({path}); `ridcp chm weight` writes it", path);
        return CodeStatistics.Load(path);
    }

    /// <summary>The α chosen for one image (the search result: α̂, its KL, the plateau).</summary>
    public AlphaSearchResult Choose(RgbImage image)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var net = dehazer.Network;
        var features = dehazer.Features(image);
        using var cache = new MatchingCache(net.Quantizer.Codebook, net.Quantizer.ChmWeight!, options.Min, options.Max);
        cache.AddImage(features);
        return AlphaRecommendation.ForImage(cache, 0, p1, options);
    }

    /// <summary>Chooses α for the image and dehazes it with that α.</summary>
    public (RgbImage Output, AlphaSearchResult Choice) Dehaze(RgbImage image)
    {
        var choice = Choose(image);
        return (dehazer.Dehaze(image, (float)choice.Alpha), choice);
    }
}
