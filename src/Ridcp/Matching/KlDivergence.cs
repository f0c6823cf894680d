namespace Ridcp.Matching;

/// <summary>KL(p ‖ q) between code-frequency histograms, in nats: the criterion of the authors' recipe for the
/// recommended α (KL between the clear images' frequencies p1 and the hazy images' frequencies under weighted
/// matching).</summary>
public static class KlDivergence
{
    /// <summary>Floor added to every bin of q before renormalising: q̃_k = (q_k + ε) / (1 + Kε). Without it a code
    /// that clear images use but the hazy images never reach gives an infinite divergence, and every α would tie.
    /// 1e-6 is far below one token's share in any realistic set (one token in 200 images of 24×32 tokens is 6.5e-6),
    /// so a missing code costs p_k·ln(p_k/1e-6) — a large but finite penalty that still ranks α values.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>Σ_k p_k ln(p_k / q̃_k) over the bins with p_k &gt; 0 (0·ln 0 = 0). p and q are frequencies (each sums
    /// to 1, or q is all zeros, which the floor turns into the uniform histogram).</summary>
    public static double Compute(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double epsilon = Epsilon)
    {
        if (p.Length != q.Length) throw new ArgumentException($"histograms of {p.Length} and {q.Length} bins");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), "the floor must be positive");
        double norm = 1.0 + p.Length * epsilon;
        double kl = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (p[k] <= 0) continue;
            double qk = (q[k] + epsilon) / norm;
            kl += p[k] * Math.Log(p[k] / qk);
        }
        return kl;
    }

    /// <summary>Same, with q given as counts (frequencies = counts / their sum).</summary>
    public static double Compute(ReadOnlySpan<double> p, ReadOnlySpan<long> qCounts, double epsilon = Epsilon) =>
        Compute(p, CodeStatistics.ToFrequencies(qCounts), epsilon);
}
