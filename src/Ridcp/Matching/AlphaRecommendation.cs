namespace Ridcp.Matching;

/// <summary>The recommended α of the authors' recipe: argmin_α KL(p1 ‖ p_hazy(α)), where p1 are the clear images'
/// code frequencies (HQ VQGAN) and p_hazy(α) the hazy images' frequencies under weighted matching with α.</summary>
public static class AlphaRecommendation
{
    /// <summary>One α for the whole cached set (frequencies pooled over all its tokens).</summary>
    public static AlphaSearchResult ForSet(DistanceCache hazy, double[] p1, AlphaSearchOptions options)
    {
        CheckSize(hazy, p1);
        if (hazy.Images == 0) throw new InvalidOperationException("no hazy images cached");
        return AlphaSearch.Run(alpha => KlDivergence.Compute(p1, hazy.Counts(alpha)), options);
    }

    /// <summary>α for one cached image alone (`dehaze --alpha auto`): the same criterion on its own tokens.</summary>
    public static AlphaSearchResult ForImage(DistanceCache hazy, int image, double[] p1, AlphaSearchOptions options)
    {
        CheckSize(hazy, p1);
        return AlphaSearch.Run(alpha => KlDivergence.Compute(p1, hazy.ImageCounts(image, alpha)), options);
    }

    static void CheckSize(DistanceCache hazy, double[] p1)
    {
        if (p1.Length != hazy.CodebookSize)
            throw new ArgumentException($"clear statistics for {p1.Length} codes, model codebook has {hazy.CodebookSize}");
    }
}
