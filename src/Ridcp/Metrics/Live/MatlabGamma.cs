using System.Runtime.InteropServices;

namespace Ridcp.Metrics.Live;

/// <summary>The gamma function as Octave computes it (C library <c>tgamma</c>); .NET has none. On glibc the very
/// same function is called, elsewhere a Lanczos approximation (relative error ~1e-15) stands in.</summary>
internal static partial class MatlabGamma
{
    static readonly bool HasLibm = Probe();

    [LibraryImport("libm.so.6", EntryPoint = "tgamma")]
    private static partial double TGammaLibm(double x);

    static bool Probe()
    {
        try { return Math.Abs(TGammaLibm(5.0) - 24.0) < 1e-12; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    public static double Gamma(double x) => HasLibm ? TGammaLibm(x) : Lanczos(x);

    // Lanczos g = 7, n = 9 (Numerical Recipes 3rd ed. / Godfrey's coefficients).
    static readonly double[] C =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    static double Lanczos(double x)
    {
        if (x < 0.5) return Math.PI / (Math.Sin(Math.PI * x) * Lanczos(1 - x));
        x -= 1;
        double a = C[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) a += C[i] / (x + i);
        return Math.Sqrt(2 * Math.PI) * Math.Pow(t, x + 0.5) * Math.Exp(-t) * a;
    }
}
