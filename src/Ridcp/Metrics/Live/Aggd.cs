using System.Numerics;

namespace Ridcp.Metrics.Live;

/// <summary>Moment sums of a sample, enough for the LIVE (asymmetric) generalised Gaussian fits; filled in one pass
/// so that shifted products need not be stored.</summary>
internal struct MomentSums
{
    /// <summary>Adds a[i] (b empty) or the products a[i]*b[i], vectorised (lane-wise partial sums: the order differs
    /// from MATLAB's sequential sum by rounding only, ~1e-16 relative).</summary>
    public void AddRange(ReadOnlySpan<double> a, ReadOnlySpan<double> b = default)
    {
        bool products = !b.IsEmpty;
        int n = a.Length, i = 0, vc = Vector<double>.Count;
        var zero = Vector<double>.Zero;
        Vector<double> sNeg = zero, sPos = zero, sAbs = zero, sSq = zero;
        Vector<long> cNeg = Vector<long>.Zero, cPos = Vector<long>.Zero;
        for (; i + vc <= n; i += vc)
        {
            var v = new Vector<double>(a.Slice(i));
            if (products) v *= new Vector<double>(b.Slice(i));
            var sq = v * v;
            var neg = Vector.LessThan(v, zero);
            var pos = Vector.GreaterThan(v, zero);
            sNeg += Vector.ConditionalSelect(neg, sq, zero);
            sPos += Vector.ConditionalSelect(pos, sq, zero);
            cNeg -= neg; cPos -= pos; // masks are all ones (-1) where true
            sAbs += Vector.Abs(v);
            sSq += sq;
        }
        N += i; NNeg += Vector.Sum(cNeg); NPos += Vector.Sum(cPos);
        SumSqNeg += Vector.Sum(sNeg); SumSqPos += Vector.Sum(sPos); SumAbs += Vector.Sum(sAbs); SumSq += Vector.Sum(sSq);
        for (; i < n; i++) Add(products ? a[i] * b[i] : a[i]);
    }

    /// <summary>Adds the products of row a with row b circularly shifted right by dx (b'(x) = b(x - dx), wrapping),
    /// i.e. one row of X .* circshift(X, [dy dx]).</summary>
    public void AddShiftedRow(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int dx)
    {
        int w = a.Length;
        if (dx == 0) { AddRange(a, b); return; }
        if (dx > 0)
        {
            AddRange(a.Slice(dx), b.Slice(0, w - dx));
            AddRange(a.Slice(0, dx), b.Slice(w - dx));
        }
        else
        {
            int d = -dx;
            AddRange(a.Slice(0, w - d), b.Slice(d));
            AddRange(a.Slice(w - d), b.Slice(0, d));
        }
    }

    public void Merge(in MomentSums o)
    {
        N += o.N; NNeg += o.NNeg; NPos += o.NPos;
        SumSqNeg += o.SumSqNeg; SumSqPos += o.SumSqPos; SumAbs += o.SumAbs; SumSq += o.SumSq;
    }

    public long N, NNeg, NPos;
    public double SumSqNeg, SumSqPos, SumAbs, SumSq;

    public void Add(double v)
    {
        N++;
        double sq = v * v;
        if (v < 0) { NNeg++; SumSqNeg += sq; }
        else if (v > 0) { NPos++; SumSqPos += sq; }
        SumAbs += Math.Abs(v);
        SumSq += sq;
    }
}

/// <summary>estimateaggdparam.m / estimateggdparam.m of the LIVE NIQE and BRISQUE releases: moment matching against
/// a table over the grid alpha = 0.2:0.001:10.</summary>
internal static class Aggd
{
    static readonly double[] Gam = BuildGrid();
    /// <summary>AGGD table: gamma(2/a)^2 / (gamma(1/a) gamma(3/a)).</summary>
    static readonly double[] RGamAggd = Gam.Select(g => Sq(MatlabGamma.Gamma(2 / g)) / (MatlabGamma.Gamma(1 / g) * MatlabGamma.Gamma(3 / g))).ToArray();
    /// <summary>GGD table (BRISQUE estimateggdparam.m): gamma(1/a) gamma(3/a) / gamma(2/a)^2.</summary>
    static readonly double[] RGamGgd = Gam.Select(g => MatlabGamma.Gamma(1 / g) * MatlabGamma.Gamma(3 / g) / Sq(MatlabGamma.Gamma(2 / g))).ToArray();

    static double Sq(double x) => x * x;

    static double[] BuildGrid()
    {
        // Octave range 0.2:0.001:10 -> base + i*increment, 9801 elements.
        var g = new double[9801];
        for (int i = 0; i < g.Length; i++) g[i] = 0.2 + i * 0.001;
        g[^1] = 10;
        return g;
    }

    /// <summary>Returns alpha, leftstd, rightstd (BRISQUE's estimateaggdparam outputs).</summary>
    public static (double Alpha, double LeftStd, double RightStd) Fit(in MomentSums m)
    {
        double leftStd = Math.Sqrt(m.SumSqNeg / m.NNeg);   // mean of an empty set is NaN, as in MATLAB
        double rightStd = Math.Sqrt(m.SumSqPos / m.NPos);
        double gammaHat = leftStd / rightStd;
        double meanAbs = m.SumAbs / m.N;
        double rHat = meanAbs * meanAbs / (m.SumSq / m.N);
        double rHatNorm = rHat * (Math.Pow(gammaHat, 3) + 1) * (gammaHat + 1) / Sq(Math.Pow(gammaHat, 2) + 1);
        int pos = ArgMin(RGamAggd, rHatNorm, squared: true);
        return (Gam[pos], leftStd, rightStd);
    }

    /// <summary>BRISQUE estimateggdparam.m: returns alpha and sigma.</summary>
    public static (double Alpha, double Sigma) FitSymmetric(in MomentSums m)
    {
        double sigmaSq = m.SumSq / m.N;
        double sigma = Math.Sqrt(sigmaSq);
        double e = m.SumAbs / m.N;
        double rho = sigmaSq / (e * e);
        int pos = ArgMin(RGamGgd, rho, squared: false);
        return (Gam[pos], sigma);
    }

    /// <summary>MATLAB [~, i] = min((table - x).^2) or min(abs(table - x)): first minimum, NaN ignored; all NaN -> 1st.</summary>
    static int ArgMin(double[] table, double x, bool squared)
    {
        int best = 0;
        double bestVal = double.NaN;
        for (int i = 0; i < table.Length; i++)
        {
            double d = table[i] - x;
            double v = squared ? d * d : Math.Abs(d);
            if (double.IsNaN(v)) continue;
            if (double.IsNaN(bestVal) || v < bestVal) { bestVal = v; best = i; }
        }
        return best;
    }

    public static double Gamma(double x) => MatlabGamma.Gamma(x);
}
