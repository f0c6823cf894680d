namespace Ridcp.Synthesis;

/// <summary>Standard normal deviates by the ziggurat method of Marsaglia and Tsang (2000), 128 layers, with
/// Marsaglia's exact tail sampler. About 5x faster than Box-Muller, which matters because the noise stage draws up
/// to three deviates per pixel.</summary>
static class GaussianZiggurat
{
    const int Layers = 128;
    // Right edge of the base layer and the common layer area for 128 layers (Marsaglia and Tsang, 2000).
    const double R = 3.442619855899;
    const double V = 9.91256303526217e-3;

    static readonly double[] X = new double[Layers + 1]; // layer right edges, decreasing; X[Layers] = 0
    static readonly double[] F = new double[Layers + 1]; // exp(-x^2/2) at the edges

    static GaussianZiggurat()
    {
        double f = Math.Exp(-0.5 * R * R);
        X[0] = V / f; // the base layer (with its tail) drawn as a rectangle of the same area
        X[1] = R;
        for (int i = 2; i < Layers; i++) X[i] = Math.Sqrt(-2 * Math.Log(V / X[i - 1] + Math.Exp(-0.5 * X[i - 1] * X[i - 1])));
        X[Layers] = 0;
        for (int i = 0; i <= Layers; i++) F[i] = Math.Exp(-0.5 * X[i] * X[i]);
    }

    public static double Next(SynthesisRng rng)
    {
        ulong bits = rng.NextUInt64();
        int i = (int)(bits & (Layers - 1));
        double x = (bits >> 11) * (1.0 / (1UL << 53)) * X[i];
        if (x < X[i + 1]) return (bits & Layers) != 0 ? -x : x;
        return Slow(rng, bits);
    }

    /// <summary>Fills <paramref name="dst"/> with scale·N(0,1) deviates: the same values, from the same bits, as
    /// repeated <see cref="Next"/> calls, with the generator state kept in registers on the fast path (~98.8 % of
    /// draws).</summary>
    public static void Fill(SynthesisRng rng, Span<float> dst, double scale)
    {
        var x = X;
        var (s0, s1, s2, s3) = rng.State;
        for (int k = 0; k < dst.Length; k++)
        {
            ulong bits = System.Numerics.BitOperations.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
            s3 = System.Numerics.BitOperations.RotateLeft(s3, 45);
            int i = (int)(bits & (Layers - 1));
            double v = (bits >> 11) * (1.0 / (1UL << 53)) * x[i];
            if (v >= x[i + 1])
            {
                rng.State = (s0, s1, s2, s3);
                v = Slow(rng, bits);
                (s0, s1, s2, s3) = rng.State;
                dst[k] = (float)(v * scale);
                continue;
            }
            dst[k] = (float)(((bits & Layers) != 0 ? -v : v) * scale);
        }
        rng.State = (s0, s1, s2, s3);
    }

    /// <summary>The rest of one draw after its first 64 bits missed the fast path: wedge test, tail, or retry.</summary>
    static double Slow(SynthesisRng rng, ulong bits)
    {
        while (true)
        {
            int i = (int)(bits & (Layers - 1));
            bool negative = (bits & Layers) != 0;
            double x = (bits >> 11) * (1.0 / (1UL << 53)) * X[i];
            if (x < X[i + 1]) return negative ? -x : x;
            if (i == 0)
            {
                double a, b;
                do { a = -Math.Log(1 - rng.NextDouble()) / R; b = -Math.Log(1 - rng.NextDouble()); } while (b + b < a * a);
                return negative ? -(R + a) : R + a;
            }
            double y = F[i] + rng.NextDouble() * (F[i + 1] - F[i]);
            if (y < Math.Exp(-0.5 * x * x)) return negative ? -x : x;
            bits = rng.NextUInt64();
        }
    }
}
