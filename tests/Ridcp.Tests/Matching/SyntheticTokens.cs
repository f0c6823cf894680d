using static TorchSharp.torch;

namespace Ridcp.Tests.Matching;

/// <summary>A two-code codebook e0 = (0,0), e1 = (1,0) and tokens on the segment between them, placed so that
/// s = ln(d0/d1) takes chosen values. With the weight w = (0, 1), code 1 wins exactly when d1·e^α &lt; d0, i.e. when
/// α &lt; s: every token's switching α is known in closed form.</summary>
public static class SyntheticTokens
{
    public static Tensor Codebook() => tensor(new float[] { 0, 0, 1, 0 }, [2, 2]);
    public static Tensor Weight() => tensor(new float[] { 0, 1 });

    /// <summary>Tokens [N,2] with ln(d0/d1) = s_j: d0 = x², d1 = (1 − x)², so x = 1 / (1 + e^(−s/2)).</summary>
    public static Tensor Tokens(params double[] s)
    {
        var v = new float[s.Length * 2];
        for (int j = 0; j < s.Length; j++) v[2 * j] = (float)(1.0 / (1.0 + Math.Exp(-s[j] / 2)));
        return tensor(v, [s.Length, 2]);
    }
}
