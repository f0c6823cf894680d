namespace Ridcp.Matching;

/// <summary>For one token, which code weighted matching picks at every α of a range, found without trying α values.
/// argmin_k d_k·exp(α·w_k) = argmin_k (ln d_k + α·w_k) when every d_k &gt; 0, so the winner as a function of α follows
/// the lower envelope of K lines (intercept ln d_k, slope w_k): a few segments separated by breakpoints. Lines are
/// first filtered (a line whose lowest value over the range is above some line's highest value never wins), then the
/// envelope is built by the convex-hull trick on the survivors, in order of decreasing slope.</summary>
internal sealed class LowerEnvelope
{
    readonly double[] slope;
    readonly int[] bySlopeDescending;
    readonly double min, max;
    readonly double[] intercept;
    readonly bool[] candidate;
    readonly int[] hull;

    public LowerEnvelope(float[] weight, double min, double max)
    {
        slope = Array.ConvertAll(weight, v => (double)v);
        // decreasing slope; among equal slopes the lower index first, so it is kept on exact ties (torch.argmin's rule)
        bySlopeDescending = Enumerable.Range(0, weight.Length).OrderByDescending(k => slope[k]).ThenBy(k => k).ToArray();
        this.min = min;
        this.max = max;
        intercept = new double[weight.Length];
        candidate = new bool[weight.Length];
        hull = new int[weight.Length];
    }

    /// <summary>Appends the segments of one token (distances d, length K) to codes/starts: codes[j] wins from
    /// starts[j] (−∞ for the first) up to the next start.</summary>
    public void Add(ReadOnlySpan<float> d, List<int> codes, List<double> starts)
    {
        int k = d.Length;
        int nonPositive = -1;
        for (int i = 0; i < k; i++)
            if (d[i] <= 0 && (nonPositive < 0 || d[i] < d[nonPositive])) nonPositive = i;
        if (nonPositive >= 0)
        {
            // A zero or (rounding-)negative expanded-form distance: the token sits on a code. Its product with any
            // positive factor stays ≤ 0 and beats every positive distance, so that code wins for every α (two
            // negative distances whose order α could swap are not resolved; they need two codes closer than float
            // rounding).
            codes.Add(nonPositive);
            starts.Add(double.NegativeInfinity);
            return;
        }

        double bound = double.PositiveInfinity; // lowest "highest value over [min,max]" of any line
        for (int i = 0; i < k; i++)
        {
            double c = Math.Log(d[i]);
            intercept[i] = c;
            double hi = Math.Max(c + min * slope[i], c + max * slope[i]);
            if (hi < bound) bound = hi;
        }
        for (int i = 0; i < k; i++)
            candidate[i] = Math.Min(intercept[i] + min * slope[i], intercept[i] + max * slope[i]) <= bound;

        int n = 0;
        foreach (int line in bySlopeDescending)
        {
            if (!candidate[line]) continue;
            if (n > 0 && slope[hull[n - 1]] == slope[line])
            {
                if (intercept[line] >= intercept[hull[n - 1]]) continue; // parallel and not lower (or equal: keep lower index)
                n--;
            }
            while (n >= 2 && Cross(hull[n - 2], line) <= Cross(hull[n - 2], hull[n - 1])) n--;
            hull[n++] = line;
        }

        // keep the part of the envelope inside [min, max]
        int first = 0;
        while (first + 1 < n && Cross(hull[first], hull[first + 1]) <= min) first++;
        codes.Add(hull[first]);
        starts.Add(double.NegativeInfinity);
        for (int j = first + 1; j < n; j++)
        {
            double x = Cross(hull[j - 1], hull[j]);
            if (x > max) break;
            codes.Add(hull[j]);
            starts.Add(x);
        }
    }

    /// <summary>α where line b (smaller slope) becomes lower than line a (larger slope).</summary>
    double Cross(int a, int b) => (intercept[b] - intercept[a]) / (slope[a] - slope[b]);
}
