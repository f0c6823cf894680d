using System.Globalization;

namespace Ridcp.Metrics.Live;

/// <summary>A LIBSVM epsilon-SVR model with an RBF kernel (text model file as written by svm-train) and its
/// svm-scale range file; prediction as svm-predict computes it (libsvm svm.cpp: k = exp(-gamma |x - sv|^2),
/// f = sum coef_i k_i - rho).</summary>
internal sealed class LibSvmRegressor
{
    readonly double _gamma, _rho;
    readonly double[] _coef;
    readonly double[][] _sv;
    readonly double _lower, _upper;
    readonly double[] _min, _max;

    LibSvmRegressor(double gamma, double rho, double[] coef, double[][] sv, double lower, double upper, double[] min, double[] max)
    {
        (_gamma, _rho, _coef, _sv, _lower, _upper, _min, _max) = (gamma, rho, coef, sv, lower, upper, min, max);
    }

    public int FeatureCount => _min.Length;

    public static LibSvmRegressor Load(TextReader model, TextReader range, int features)
    {
        double gamma = double.NaN, rho = double.NaN;
        string? line;
        while ((line = model.ReadLine()) != null && line.Trim() != "SV")
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) continue;
            switch (parts[0])
            {
                case "svm_type" when parts[1] != "epsilon_svr":
                case "kernel_type" when parts[1] != "rbf":
                    throw new InvalidDataException($"unsupported LIBSVM model: {line}");
                case "gamma": gamma = Parse(parts[1]); break;
                case "rho": rho = Parse(parts[1]); break;
            }
        }
        var coef = new List<double>();
        var svs = new List<double[]>();
        while ((line = model.ReadLine()) != null)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            coef.Add(Parse(parts[0]));
            var sv = new double[features];
            for (int i = 1; i < parts.Length; i++)
            {
                int colon = parts[i].IndexOf(':');
                int index = int.Parse(parts[i][..colon], CultureInfo.InvariantCulture);
                sv[index - 1] = Parse(parts[i][(colon + 1)..]);
            }
            svs.Add(sv);
        }
        if (double.IsNaN(gamma) || double.IsNaN(rho) || svs.Count == 0) throw new InvalidDataException("incomplete LIBSVM model");

        if (range.ReadLine()?.Trim() != "x") throw new InvalidDataException("LIBSVM range file must start with 'x'");
        var bounds = range.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double lower = Parse(bounds[0]), upper = Parse(bounds[1]);
        var min = new double[features]; var max = new double[features];
        while ((line = range.ReadLine()) != null)
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (p.Length < 3) continue;
            int idx = int.Parse(p[0], CultureInfo.InvariantCulture) - 1;
            min[idx] = Parse(p[1]); max[idx] = Parse(p[2]);
        }
        return new LibSvmRegressor(gamma, rho, coef.ToArray(), svs.ToArray(), lower, upper, min, max);
    }

    static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>brisquescore.m's path: features printed with %f, svm-scale (printed with %g), svm-predict. The two
    /// text round trips are reproduced (they move the score by ~1e-4).</summary>
    public double Predict(ReadOnlySpan<double> features)
    {
        var x = new double[_min.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = Parse(features[i].ToString("F6", CultureInfo.InvariantCulture)); // fprintf('%f')
            x[i] = Scale(i, v);
        }
        double sum = 0;
        for (int s = 0; s < _sv.Length; s++)
        {
            var sv = _sv[s];
            double d2 = 0;
            for (int i = 0; i < x.Length; i++) { double d = x[i] - sv[i]; d2 += d * d; }
            sum += _coef[s] * Math.Exp(-_gamma * d2);
        }
        return sum - _rho;
    }

    /// <summary>svm-scale.c output(): endpoints map exactly, others linearly; written with %g (6 significant digits).</summary>
    double Scale(int i, double v)
    {
        if (_max[i] == _min[i]) return v; // svm-scale skips single-valued attributes
        double s = v == _min[i] ? _lower
                 : v == _max[i] ? _upper
                 : _lower + (_upper - _lower) * (v - _min[i]) / (_max[i] - _min[i]);
        return Parse(s.ToString("G6", CultureInfo.InvariantCulture)); // printf("%g")
    }
}
