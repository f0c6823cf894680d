namespace Ridcp.Matching;

/// <summary>Finds the α that minimises a KL(α) curve — in practice KL(p1 ‖ p_hazy(α)) of the authors' recipe.
/// KL(α) is piecewise constant (a token changes code only at discrete α), so a pure golden-section search can stall
/// on a flat stretch or land in the wrong basin. Hence: (1) a coarse scan over the whole range, (2) golden section
/// inside the bracket around the best scan point, down to the tolerance, (3) bisection for both ends of the plateau
/// on which the minimum holds, and α̂ = the plateau's centre (the value least sensitive to small feature changes).
/// A minimum on a plateau narrower than the grid step that no scan point touches can be missed; the curve is
/// returned so this can be checked.</summary>
public static class AlphaSearch
{
    const double InvPhi = 0.6180339887498949; // (√5 − 1) / 2

    public static AlphaSearchResult Run(Func<double, double> kl, AlphaSearchOptions options)
    {
        options.Validate();
        var memo = new SortedDictionary<double, double>();
        double F(double a)
        {
            if (!memo.TryGetValue(a, out double v))
            {
                v = kl(a);
                if (double.IsNaN(v)) throw new ArithmeticException($"KL is NaN at α = {a}");
                memo[a] = v;
            }
            return v;
        }

        // 1. coarse scan
        var grid = new List<double>();
        int n = (int)Math.Floor((options.Max - options.Min) / options.GridStep + 1e-9);
        for (int i = 0; i <= n; i++) grid.Add(options.Min + i * options.GridStep);
        if (options.Max - grid[^1] > 1e-9) grid.Add(options.Max);
        int best = 0;
        for (int i = 0; i < grid.Count; i++)
            if (F(grid[i]) < F(grid[best])) best = i;

        // 2. golden section in the bracket around the best scan point
        double a = grid[Math.Max(best - 1, 0)], b = grid[Math.Min(best + 1, grid.Count - 1)];
        double x1 = b - InvPhi * (b - a), x2 = a + InvPhi * (b - a);
        while (b - a > options.Tolerance)
        {
            if (F(x1) <= F(x2)) { b = x2; x2 = x1; x1 = b - InvPhi * (b - a); }
            else { a = x1; x1 = x2; x2 = a + InvPhi * (b - a); }
        }

        double argBest = grid[best];
        foreach (var (alpha, v) in memo)
            if (v < memo[argBest]) argBest = alpha;
        double kMin = memo[argBest];

        // 3. the plateau around the minimum
        double low = PlateauEdge(F, argBest, kMin, options.Min, memo, options.Tolerance, towardsLower: true);
        double high = PlateauEdge(F, argBest, kMin, options.Max, memo, options.Tolerance, towardsLower: false);
        double chosen = RoundTo(0.5 * (low + high), options.Tolerance);
        chosen = Math.Clamp(chosen, options.Min, options.Max);
        if (F(chosen) > kMin) chosen = argBest; // the rounded centre fell off a plateau with a hole in it
        kMin = Math.Min(kMin, F(chosen));

        double klZero = options.Min <= 0 && options.Max >= 0 ? F(0) : double.NaN;
        var curve = memo.Select(kv => (kv.Key, kv.Value)).ToList();
        return new AlphaSearchResult(chosen, F(chosen), klZero, low, high, curve, memo.Count);
    }

    /// <summary>Walks from α̂ (value kMin) towards the range end: the nearest already evaluated point with another
    /// value bounds the plateau; bisection between the two narrows the edge to the tolerance. Returns the innermost
    /// point known to have value kMin.</summary>
    static double PlateauEdge(Func<double, double> f, double start, double kMin, double end,
        SortedDictionary<double, double> memo, double tol, bool towardsLower)
    {
        double? other = null;
        foreach (var (alpha, v) in towardsLower ? memo.Reverse() : memo)
        {
            bool beyond = towardsLower ? alpha < start : alpha > start;
            if (beyond && v != kMin) { other = alpha; break; }
        }
        if (other is null) return f(end) == kMin ? end : Bisect(f, start, end, kMin, tol);
        return Bisect(f, start, other.Value, kMin, tol);
    }

    /// <summary>inside has value kMin, outside has not: narrows to the edge and returns the inside end.</summary>
    static double Bisect(Func<double, double> f, double inside, double outside, double kMin, double tol)
    {
        while (Math.Abs(outside - inside) > tol)
        {
            double m = 0.5 * (inside + outside);
            if (f(m) == kMin) inside = m; else outside = m;
        }
        return inside;
    }

    static double RoundTo(double x, double step) => Math.Round(Math.Round(x / step) * step, 10);
}
