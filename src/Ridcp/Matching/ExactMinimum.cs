namespace Ridcp.Matching;

/// <summary>The lowest KL(p1 ‖ p_hazy(α)) over the whole cached α range, found by visiting every switching α of
/// every token in order (KL is constant between them): no grid, nothing missed.</summary>
/// <param name="Low">Start of the best plateau (where the last switch into it happens; Min if it starts there).</param>
/// <param name="High">End of the best plateau (the next switch; Max if none).</param>
/// <param name="Alpha">A value inside [Low, High): the centre, rounded to 0.01 where that stays inside.</param>
/// <param name="Kl">The KL on that plateau.</param>
/// <param name="Switches">Number of switching points visited.</param>
public sealed record ExactMinimum(double Low, double High, double Alpha, double Kl, long Switches)
{
    /// <summary>Sweeps the cache's envelopes from Min to Max, updating the KL incrementally (two bins per switch).</summary>
    public static ExactMinimum Find(MatchingCache cache, double[] p1, double epsilon = KlDivergence.Epsilon)
    {
        if (p1.Length != cache.CodebookSize) throw new ArgumentException($"p1 of {p1.Length} codes for a codebook of {cache.CodebookSize}");
        if (cache.Tokens == 0) throw new InvalidOperationException("empty cache");
        var events = cache.Switches();
        events.Sort((a, b) => a.Alpha.CompareTo(b.Alpha));
        var counts = cache.Counts(cache.Min);
        double n = cache.Tokens, norm = 1.0 + p1.Length * epsilon;
        double Term(int k) => p1[k] > 0 ? p1[k] * Math.Log(p1[k] / ((counts[k] / n + epsilon) / norm)) : 0;
        double kl = 0;
        for (int k = 0; k < p1.Length; k++) kl += Term(k);

        double bestKl = kl, bestLow = cache.Min, bestHigh = events.Count > 0 ? events[0].Alpha : cache.Max;
        int i = 0;
        while (i < events.Count)
        {
            double at = events[i].Alpha;
            for (; i < events.Count && events[i].Alpha == at; i++)
            {
                var (_, from, to) = events[i];
                kl -= Term(from) + Term(to);
                counts[from]--; counts[to]++;
                kl += Term(from) + Term(to);
            }
            double next = i < events.Count ? events[i].Alpha : cache.Max;
            if (kl < bestKl - 1e-12 * Math.Abs(bestKl)) { bestKl = kl; bestLow = at; bestHigh = next; }
        }
        double centre = 0.5 * (bestLow + bestHigh);
        double rounded = Math.Round(centre, 2);
        double alpha = rounded >= bestLow && (rounded < bestHigh || bestHigh == bestLow) ? rounded : centre;
        return new ExactMinimum(bestLow, bestHigh, alpha, KlDivergence.Compute(p1, cache.Counts(alpha), epsilon), events.Count);
    }
}
