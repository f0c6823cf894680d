namespace Ridcp.Matching;

/// <summary>The recommended α and how it was found.</summary>
/// <param name="Alpha">α̂: the centre of the minimum's plateau, rounded to the tolerance.</param>
/// <param name="Kl">KL(p1 ‖ p_hazy(α̂)).</param>
/// <param name="KlAtZero">KL at α = 0 (plain nearest matching), for comparison; NaN when 0 is outside the range.</param>
/// <param name="PlateauLow">Lower end of the interval around α̂ on which KL keeps its minimal value (to the tolerance).</param>
/// <param name="PlateauHigh">Upper end of that interval.</param>
/// <param name="Curve">Every evaluated (α, KL), sorted by α: the coarse grid plus the refinement points.</param>
/// <param name="Evaluations">Number of KL evaluations (each one reweight + argmin over the cached tokens).</param>
public sealed record AlphaSearchResult(
    double Alpha, double Kl, double KlAtZero, double PlateauLow, double PlateauHigh,
    IReadOnlyList<(double Alpha, double Kl)> Curve, int Evaluations);
