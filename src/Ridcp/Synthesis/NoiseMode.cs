namespace Ridcp.Synthesis;

/// <summary>The three Gaussian noise modes of the official add_Gaussian_noise
/// (RIDCP_dehazing basicsr/data/haze_online_siamese_dataset.py).</summary>
public enum NoiseMode
{
    /// <summary>Independent noise per channel ("color Gaussian noise").</summary>
    Color,
    /// <summary>One noise plane shared by the three channels ("grayscale Gaussian noise").</summary>
    Gray,
    /// <summary>Channel-correlated noise with a random covariance.</summary>
    Correlated,
}
