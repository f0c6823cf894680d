namespace Ridcp.Baselines;

/// <summary>Parameters of dark channel prior dehazing; defaults are the papers' values (He, Sun, Tang, CVPR 2009 /
/// TPAMI 2011 for the prior; TPAMI 2013 "Guided Image Filtering" for the refinement).</summary>
/// <param name="PatchSize">Side of the square patch Omega of the dark channel (15 in the paper).</param>
/// <param name="Omega">Fraction of haze removed, omega in t = 1 - omega * dark(I/A) (0.95; keeps some haze for depth perception).</param>
/// <param name="MinTransmission">Lower bound t0 of the transmission in J = (I - A)/max(t, t0) + A (0.1).</param>
/// <param name="BrightestFraction">Share of the brightest dark-channel pixels searched for the atmospheric light (0.1%).</param>
/// <param name="GuidedRadius">Guided filter radius r (window 2r+1) refining the transmission (60, Guided Image Filtering, haze removal example).</param>
/// <param name="GuidedEpsilon">Guided filter regularisation epsilon, on intensities in [0,1] (1e-4, same source).</param>
/// <param name="Refine">false skips the guided filter (the coarse, blocky transmission of the prior alone).</param>
public sealed record DarkChannelPriorOptions(
    int PatchSize = 15,
    double Omega = 0.95,
    double MinTransmission = 0.1,
    double BrightestFraction = 0.001,
    int GuidedRadius = 60,
    double GuidedEpsilon = 1e-4,
    bool Refine = true)
{
    public void Validate()
    {
        if (PatchSize < 1 || PatchSize % 2 == 0) throw new ArgumentException($"patch size must be odd and positive, got {PatchSize}");
        if (Omega is <= 0 or > 1) throw new ArgumentException($"omega must be in (0, 1], got {Omega}");
        if (MinTransmission is <= 0 or > 1) throw new ArgumentException($"minimum transmission must be in (0, 1], got {MinTransmission}");
        if (BrightestFraction is <= 0 or > 1) throw new ArgumentException($"brightest fraction must be in (0, 1], got {BrightestFraction}");
        if (GuidedRadius < 1) throw new ArgumentException($"guided filter radius must be >= 1, got {GuidedRadius}");
        if (GuidedEpsilon <= 0) throw new ArgumentException($"guided filter epsilon must be > 0, got {GuidedEpsilon}");
    }
}
