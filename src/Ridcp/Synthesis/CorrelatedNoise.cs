namespace Ridcp.Synthesis;

/// <summary>The random channel covariance of the official correlated noise mode (add_Gaussian_noise in
/// RIDCP_dehazing basicsr/data/haze_online_siamese_dataset.py):
/// D = diag(U[0,1)^3), U = orth(U[0,1)^{3x3}), Σ = |L² · Uᵀ D U| (element-wise absolute value), noise ~ N(0, Σ).</summary>
public static class CorrelatedNoise
{
    /// <summary>A mixing matrix M (row-major 3x3) with noise = M·z, z ~ N(0, I).
    /// Σ after the element-wise |·| need not be positive semi-definite; numpy's multivariate_normal then samples with
    /// the SVD factor, i.e. with |λ| for each eigenvalue λ of the symmetric Σ. We do the same through a Jacobi
    /// eigendecomposition Σ = Q Λ Qᵀ, M = Q·diag(sqrt|λ|).
    /// Deliberate deviation: orth() is done by Gram-Schmidt rather than scipy's SVD; both give a random orthogonal
    /// basis from the same uniform matrix, with slightly different distributions.</summary>
    public static double[] RandomMixing(double scale, SynthesisRng rng) => MixingFor(RandomCovariance(scale, rng));

    /// <summary>Σ = |L²·Uᵀ D U| with D = diag(U[0,1)³) and U = orth(U[0,1)^{3x3}), row-major.</summary>
    internal static double[] RandomCovariance(double scale, SynthesisRng rng)
    {
        var d = new double[3];
        for (int i = 0; i < 3; i++) d[i] = rng.NextDouble();
        var a = new double[9];
        for (int i = 0; i < 9; i++) a[i] = rng.NextDouble();
        var u = GramSchmidtColumns(a);
        double l2 = scale * scale;
        var cov = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                // (Uᵀ D U)_ij = Σ_k U_ki D_k U_kj
                double s = 0;
                for (int k = 0; k < 3; k++) s += u[k * 3 + i] * d[k] * u[k * 3 + j];
                cov[i * 3 + j] = Math.Abs(l2 * s);
            }
        return cov;
    }

    /// <summary>M = Q·diag(sqrt|λ|) for the symmetric Σ = Q Λ Qᵀ, so M Mᵀ = Q |Λ| Qᵀ (= Σ when Σ is PSD), as numpy's
    /// SVD-based multivariate_normal samples.</summary>
    internal static double[] MixingFor(double[] cov)
    {
        var (values, vectors) = SymmetricEigen(cov);
        var m = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) m[i * 3 + j] = vectors[i * 3 + j] * Math.Sqrt(Math.Abs(values[j]));
        return m;
    }

    /// <summary>Orthonormalises the columns of a row-major 3x3 matrix (classical Gram-Schmidt, re-orthogonalised once).</summary>
    static double[] GramSchmidtColumns(double[] a)
    {
        var q = new double[9];
        for (int j = 0; j < 3; j++)
        {
            var v = new[] { a[j], a[3 + j], a[6 + j] };
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < j; p++)
                {
                    double dot = v[0] * q[p] + v[1] * q[3 + p] + v[2] * q[6 + p];
                    for (int r = 0; r < 3; r++) v[r] -= dot * q[r * 3 + p];
                }
            double n = Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            if (n < 1e-12) { v = [j == 0 ? 1 : 0, j == 1 ? 1 : 0, j == 2 ? 1 : 0]; n = 1; } // degenerate draw (probability ~0)
            for (int r = 0; r < 3; r++) q[r * 3 + j] = v[r] / n;
        }
        return q;
    }

    /// <summary>Eigenvalues and eigenvectors (columns, row-major) of a symmetric 3x3 matrix by cyclic Jacobi rotations.</summary>
    internal static (double[] Values, double[] Vectors) SymmetricEigen(double[] s)
    {
        var a = (double[])s.Clone();
        var v = new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        for (int sweep = 0; sweep < 50; sweep++)
        {
            double off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
            if (off < 1e-30) break;
            for (int p = 0; p < 2; p++)
                for (int q = p + 1; q < 3; q++)
                {
                    double apq = a[p * 3 + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), sn = t * c;
                    for (int k = 0; k < 3; k++) // A <- A J (columns p, q)
                    {
                        double akp = a[k * 3 + p], akq = a[k * 3 + q];
                        a[k * 3 + p] = c * akp - sn * akq; a[k * 3 + q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < 3; k++) // A <- Jᵀ A (rows p, q)
                    {
                        double apk = a[p * 3 + k], aqk = a[q * 3 + k];
                        a[p * 3 + k] = c * apk - sn * aqk; a[q * 3 + k] = sn * apk + c * aqk;
                    }
                    for (int k = 0; k < 3; k++) // V <- V J
                    {
                        double vkp = v[k * 3 + p], vkq = v[k * 3 + q];
                        v[k * 3 + p] = c * vkp - sn * vkq; v[k * 3 + q] = sn * vkp + c * vkq;
                    }
                }
        }
        return (new[] { a[0], a[4], a[8] }, v);
    }
}
