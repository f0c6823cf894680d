using Ridcp.Imaging;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>The pre-quantisation features [1,D,h,w] a network matches against its codebook for one image, limited
/// to the tokens that cover the image (tokens that only see mirror padding dropped).</summary>
public delegate Tensor FeatureExtractor(RgbImage image);
