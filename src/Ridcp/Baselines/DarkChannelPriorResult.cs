using Ridcp.Imaging;

namespace Ridcp.Baselines;

/// <summary>What dark channel prior dehazing estimated: the dehazed image, the (refined) transmission map t (row-major
/// H*W) and the atmospheric light A (R, G, B in [0,1]).</summary>
public sealed record DarkChannelPriorResult(RgbImage Dehazed, float[] Transmission, double[] AtmosphericLight);
