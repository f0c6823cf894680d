namespace Ridcp.Bricks.ImageWide;

/// <summary>Sums of one statistics site over the tile cores of a pass: per group the sum and the sum of squares,
/// and the number of values per group.</summary>
sealed class SiteSums(int groups)
{
    readonly double[] sum = new double[groups];
    readonly double[] sumSq = new double[groups];
    double count;

    public void Add(double[] s, double[] sq, long n)
    {
        if (s.Length != sum.Length) throw new InvalidOperationException($"a statistics site changed its group count ({sum.Length} -> {s.Length}): tiles took different paths through the network");
        for (int g = 0; g < sum.Length; g++) { sum[g] += s[g]; sumSq[g] += sq[g]; }
        count += n;
    }

    /// <summary>Per group mean and biased variance (the GroupNorm definitions).</summary>
    public (double[] Mean, double[] Variance) GroupMoments()
    {
        var mean = sum.Select(s => s / count).ToArray();
        var variance = sumSq.Select((q, g) => Math.Max(0, q / count - mean[g] * mean[g])).ToArray();
        return (mean, variance);
    }

    /// <summary>Largest change of a group's mean or standard deviation relative to the standard deviation.</summary>
    public double RelativeChange(SiteSums next)
    {
        var (m0, v0) = GroupMoments();
        var (m1, v1) = next.GroupMoments();
        double worst = 0;
        for (int g = 0; g < m0.Length; g++)
        {
            double sd = Math.Sqrt(Math.Max(v0[g], 1e-12));
            worst = Math.Max(worst, Math.Max(Math.Abs(m1[g] - m0[g]), Math.Abs(Math.Sqrt(v1[g]) - sd)) / sd);
        }
        return worst;
    }
}
