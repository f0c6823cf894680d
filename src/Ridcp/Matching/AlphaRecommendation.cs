namespace Ridcp.Matching;

/// <summary>The recommended α of the authors' recipe: argmin_α KL(p1 ‖ p_hazy(α)), where p1 are the clear images'
/// code frequencies (HQ VQGAN) and p_hazy(α) the hazy images' frequencies under weighted matching with α.</summary>
public static class AlphaRecommendation
{
    /// <summary>One α for the whole cached set (frequencies pooled over all its tokens).</summary>
    public static AlphaSearchResult ForSet(MatchingCache hazy, double[] p1, AlphaSearchOptions options)
    {
        Check(hazy, p1, options);
        if (hazy.Images == 0) throw new InvalidOperationException("no hazy images cached");
        return AlphaSearch.Run(alpha => KlDivergence.Compute(p1, hazy.Counts(alpha)), options);
    }

    /// <summary>α for one cached image alone (`dehaze --alpha auto`): the same criterion on its own tokens.</summary>
    public static AlphaSearchResult ForImage(MatchingCache hazy, int image, double[] p1, AlphaSearchOptions options)
    {
        Check(hazy, p1, options);
        return AlphaSearch.Run(alpha => KlDivergence.Compute(p1, hazy.ImageCounts(image, alpha)), options);
    }

    static void Check(MatchingCache hazy, double[] p1, AlphaSearchOptions options)
    {
        if (p1.Length != hazy.CodebookSize)
            throw new ArgumentException($"clear statistics for {p1.Length} codes, model codebook has {hazy.CodebookSize}");
        if (options.Min < hazy.Min || options.Max > hazy.Max)
            throw new ArgumentException($"search range {options.Min}:{options.Max} exceeds the cached range {hazy.Min}:{hazy.Max}");
    }
}
