namespace Ridcp.Metrics.Live;

/// <summary>The few dense linear-algebra steps the LIVE metrics need (small matrices, row-major).</summary>
internal static class LinearAlgebra
{
    /// <summary>x = b / A (MATLAB mrdivide, x*A = b) for a square A, by Gaussian elimination with partial pivoting on
    /// A' (x A = b  <=>  A' x' = b'). NaN in, NaN out.</summary>
    public static double[] RightDivide(double[] b, double[] a, int n)
    {
        var x = new double[n];
        RightDivide(b, a, n, x, new double[n * n]);
        return x;
    }

    /// <summary>As <see cref="RightDivide(double[], double[], int)"/> into caller-provided storage (x: n, work: n*n).</summary>
    public static void RightDivide(ReadOnlySpan<double> b, ReadOnlySpan<double> a, int n, Span<double> x, Span<double> m)
    {
        for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) m[r * n + c] = a[c * n + r]; // A'
        b.CopyTo(x);
        for (int k = 0; k < n; k++)
        {
            int p = k;
            double best = Math.Abs(m[k * n + k]);
            for (int r = k + 1; r < n; r++)
            {
                double v = Math.Abs(m[r * n + k]);
                if (v > best) { best = v; p = r; }
            }
            if (p != k)
            {
                for (int c = 0; c < n; c++) (m[k * n + c], m[p * n + c]) = (m[p * n + c], m[k * n + c]);
                (x[k], x[p]) = (x[p], x[k]);
            }
            double piv = m[k * n + k];
            for (int r = k + 1; r < n; r++)
            {
                double f = m[r * n + k] / piv;
                if (f == 0) continue;
                for (int c = k; c < n; c++) m[r * n + c] -= f * m[k * n + c];
                x[r] -= f * x[k];
            }
        }
        for (int k = n - 1; k >= 0; k--)
        {
            double s = x[k];
            for (int c = k + 1; c < n; c++) s -= m[k * n + c] * x[c];
            x[k] = s / m[k * n + k];
        }
    }

    /// <summary>Moore-Penrose pseudo-inverse of a symmetric matrix (MATLAB pinv, default tolerance
    /// n * max|eig| * eps) through a cyclic Jacobi eigen-decomposition.</summary>
    public static double[] PinvSymmetric(double[] a, int n)
    {
        if (!a.All(double.IsFinite)) { var nan = new double[n * n]; Array.Fill(nan, double.NaN); return nan; }
        var (values, vectors) = JacobiEigen(a, n);
        double max = 0;
        foreach (var v in values) max = Math.Max(max, Math.Abs(v));
        double tol = n * max * Math.Pow(2, -52);
        var result = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            if (Math.Abs(values[k]) <= tol) continue;
            double inv = 1 / values[k];
            for (int r = 0; r < n; r++)
            {
                double vr = vectors[r * n + k] * inv;
                for (int c = 0; c < n; c++) result[r * n + c] += vr * vectors[c * n + k];
            }
        }
        return result;
    }

    static (double[] Values, double[] Vectors) JacobiEigen(double[] a0, int n)
    {
        var a = (double[])a0.Clone();
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
            if (off < 1e-300) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    double app = a[p * n + p], aqq = a[q * n + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k * n + p], vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i * n + i];
        return (values, v);
    }
}
