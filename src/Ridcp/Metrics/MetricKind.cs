namespace Ridcp.Metrics;

/// <summary>The image quality metrics Ridcp.NET computes.</summary>
public enum MetricKind
{
    /// <summary>PSNR over RGB (BasicSR calculate_psnr), dB, higher = better, needs a reference.</summary>
    Psnr,
    /// <summary>PSNR on the BT.601 Y channel (BasicSR test_y_channel=True).</summary>
    PsnrY,
    /// <summary>SSIM over RGB (BasicSR calculate_ssim), higher = better, needs a reference.</summary>
    Ssim,
    /// <summary>SSIM on the BT.601 Y channel.</summary>
    SsimY,
    /// <summary>Mean CIEDE2000 colour difference (8-bit sRGB → CIE Lab D65, as scikit-image), lower = better, needs a reference.</summary>
    Ciede2000,
    /// <summary>FADE fog density (LIVE release), lower = less fog.</summary>
    Fade,
    /// <summary>NIQE (LIVE release, rgb2gray), lower = better.</summary>
    Niqe,
    /// <summary>NIQE on BasicSR's Y channel (calculate_niqe's convention), lower = better.</summary>
    NiqeY,
    /// <summary>BRISQUE (LIVE release, LIVE SVR), lower = better.</summary>
    Brisque,
}
