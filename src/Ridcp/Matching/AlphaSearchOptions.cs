namespace Ridcp.Matching;

/// <summary>Where and how finely α is searched. The default range covers the official α = −21.25 and the project
/// page's adjustment figure (−60…60); the grid step is fine enough that a plateau of KL(α) narrower than it is
/// unlikely to hold the minimum (KL is piecewise constant in α: assignments change at discrete α).</summary>
public sealed record AlphaSearchOptions
{
    public double Min { get; init; } = -60;
    public double Max { get; init; } = 60;
    /// <summary>Spacing of the coarse scan that picks the bracket for the golden-section search.</summary>
    public double GridStep { get; init; } = 1.0;
    /// <summary>Width at which the golden-section search and the plateau-edge bisections stop (the 0.01 of the issue).</summary>
    public double Tolerance { get; init; } = 0.01;

    public void Validate()
    {
        if (!double.IsFinite(Min) || !double.IsFinite(Max) || Min >= Max)
            throw new ArgumentException($"α range must be finite with MIN < MAX, got {Min}:{Max}");
        if (Math.Max(Math.Abs(Min), Math.Abs(Max)) > Models.VQWeightDehazeNetOptions.MaxAbsAlpha)
            throw new ArgumentException($"α range must stay within ±{Models.VQWeightDehazeNetOptions.MaxAbsAlpha}, got {Min}:{Max}");
        if (!(GridStep > 0) || !(Tolerance > 0))
            throw new ArgumentException("grid step and tolerance must be positive");
        if ((Max - Min) / GridStep > 100_000)
            throw new ArgumentException("grid step too small for the α range (more than 100000 points)");
    }
}
