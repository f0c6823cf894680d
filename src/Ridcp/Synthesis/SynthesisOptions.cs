namespace Ridcp.Synthesis;

/// <summary>Every range and probability of the degradation pipeline. Defaults are the official values
/// (RIDCP_dehazing options/RIDCP.yml and basicsr/data/haze_online_siamese_dataset.py).</summary>
public sealed record SynthesisOptions
{
    /// <summary>Probability of the brightness stage J ← J^γ (official: np.random.rand(1) &lt; 0.5).</summary>
    public double GammaProb { get; init; } = 0.5;
    /// <summary>γ range (official: rand*1.5 + 1.5).</summary>
    public Range Gamma { get; init; } = new(1.5, 3.0);

    /// <summary>Probability of the Gaussian noise stage.</summary>
    public double NoiseProb { get; init; } = 0.5;
    /// <summary>Noise level k (σ = k/255), uniform integer, both ends included (official random.randint(2, 25)).</summary>
    public int NoiseLevelMin { get; init; } = 2;
    public int NoiseLevelMax { get; init; } = 25;
    /// <summary>Mode probabilities (official: rnum &gt; 0.6 colour, rnum &lt; 0.4 grey, else correlated).</summary>
    public double NoiseColorProb { get; init; } = 0.4;
    public double NoiseGrayProb { get; init; } = 0.4;

    /// <summary>β range (official beta_range).</summary>
    public Range Beta { get; init; } = new(0.3, 1.5);
    /// <summary>Atmospheric light range (official A_range).</summary>
    public Range Airlight { get; init; } = new(0.25, 1.0);
    /// <summary>Probability of a per-channel airlight colour bias (official color_p).</summary>
    public double ColorProb { get; init; } = 1.0;
    /// <summary>Half-width B of the colour bias ΔA ~ U[-B, B] per channel (official color_range [-0.025, 0.025]).</summary>
    public double ColorBias { get; init; } = 0.025;

    /// <summary>Probability of the JPEG stage.</summary>
    public double JpegProb { get; init; } = 0.5;
    /// <summary>JPEG quality, uniform integer, both ends included (official random.randint(30, 95)).</summary>
    public int JpegQualityMin { get; init; } = 30;
    public int JpegQualityMax { get; init; } = 95;

    /// <summary>When set, β is this value instead of a draw (`--fixed beta=B`).</summary>
    public double? FixedBeta { get; init; }
    /// <summary>When set, A is this value instead of a draw (`--fixed airlight=A`); the colour bias still applies
    /// unless ColorBias or ColorProb is 0.</summary>
    public double? FixedAirlight { get; init; }

    /// <summary>How to read the depth maps.</summary>
    public DepthKind DepthKind { get; init; } = DepthKind.Inverse;

    public static SynthesisOptions Official { get; } = new();

    /// <summary>Throws ArgumentException naming the first bad option.</summary>
    public void Validate()
    {
        Prob(GammaProb, "gamma probability"); Prob(NoiseProb, "noise probability"); Prob(JpegProb, "JPEG probability");
        Prob(ColorProb, "colour-bias probability"); Prob(NoiseColorProb, "colour-noise probability"); Prob(NoiseGrayProb, "grey-noise probability");
        if (NoiseColorProb + NoiseGrayProb > 1) throw new ArgumentException("colour and grey noise probabilities add up to more than 1");
        Gamma.Validate("gamma", 0, 100);
        Beta.Validate("beta", 0, 100);
        Airlight.Validate("airlight", 0, 2);
        if (!(ColorBias >= 0 && ColorBias <= 1)) throw new ArgumentException($"colour bias must be in [0, 1], got {ColorBias}");
        if (NoiseLevelMin < 0 || NoiseLevelMax > 255 || NoiseLevelMin > NoiseLevelMax)
            throw new ArgumentException($"noise level range [{NoiseLevelMin}, {NoiseLevelMax}] must lie within [0, 255]");
        if (JpegQualityMin < 1 || JpegQualityMax > 100 || JpegQualityMin > JpegQualityMax)
            throw new ArgumentException($"JPEG quality range [{JpegQualityMin}, {JpegQualityMax}] must lie within [1, 100]");
        if (FixedBeta is { } b && !(b >= 0 && b <= 100)) throw new ArgumentException($"fixed beta must be in [0, 100], got {b}");
        if (FixedAirlight is { } a && !(a >= 0 && a <= 2)) throw new ArgumentException($"fixed airlight must be in [0, 2], got {a}");
    }

    static void Prob(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{name} must be in [0, 1], got {p}");
    }
}
