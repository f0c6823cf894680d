using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>Relative inverse depth from one RGB photo through an ONNX monocular depth network (MiDaS / DPT /
/// Depth Anything style): the photo is resized (bilinear) to the input size, normalised per channel with mean/std,
/// fed as float32 [1,3,H,W]; the first output ([1,H,W], [1,1,H,W] or [H,W]) is resized back to the photo.
/// The result is inverse depth (near is large), so use <see cref="DepthKind.Inverse"/>. Thread-safe (ONNX Runtime
/// sessions may run concurrently).</summary>
public sealed class MonocularDepthEstimator : IDisposable
{
    readonly InferenceSession session;
    readonly string inputName;
    readonly MonocularDepthOptions options;
    public int InputWidth { get; }
    public int InputHeight { get; }

    public MonocularDepthEstimator(string modelPath, MonocularDepthOptions? options = null)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"depth model not found: {modelPath}", modelPath);
        this.options = options ?? new MonocularDepthOptions();
        if (this.options.Mean.Length != 3 || this.options.Std.Length != 3 || this.options.Std.Any(s => !(s > 0)))
            throw new ArgumentException("depth model mean and std need three values each, std positive");
        try { session = new InferenceSession(modelPath); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"not a usable ONNX model: {modelPath} ({e.Message})", e); }
        var (name, meta) = session.InputMetadata.First();
        inputName = name;
        var dims = meta.Dimensions;
        if (dims.Length != 4 || (dims[1] > 0 && dims[1] != 3))
        {
            session.Dispose();
            throw new InvalidDataException($"depth model input must be [N,3,H,W], is [{string.Join(",", dims)}]: {modelPath}");
        }
        InputWidth = this.options.InputWidth ?? (dims[3] > 0 ? dims[3] : MonocularDepthOptions.FallbackSize);
        InputHeight = this.options.InputHeight ?? (dims[2] > 0 ? dims[2] : MonocularDepthOptions.FallbackSize);
        if ((dims[3] > 0 && dims[3] != InputWidth) || (dims[2] > 0 && dims[2] != InputHeight))
        {
            session.Dispose();
            throw new ArgumentException($"depth model has a fixed input of {dims[3]}x{dims[2]}, asked for {InputWidth}x{InputHeight}");
        }
    }

    /// <summary>The network's output resized to the image (not normalised; NaN/inf outputs are an error).</summary>
    public DepthMap Estimate(RgbImage image)
    {
        int w = InputWidth, h = InputHeight, plane = w * h, splane = image.Width * image.Height;
        var input = new DenseTensor<float>(new[] { 1, 3, h, w });
        var span = input.Buffer.Span;
        for (int c = 0; c < 3; c++)
        {
            var channel = Resampling.Bilinear(image.Data.AsSpan(c * splane, splane).ToArray(), image.Width, image.Height, w, h);
            float m = options.Mean[c], s = 1f / options.Std[c];
            for (int i = 0; i < plane; i++) span[c * plane + i] = (channel[i] - m) * s;
        }
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)]);
        var output = results.First().AsTensor<float>();
        var shape = output.Dimensions.ToArray();
        int oh, ow;
        if (shape.Length >= 2 && shape[..^2].All(d => d == 1)) { oh = shape[^2]; ow = shape[^1]; }
        else throw new InvalidDataException($"depth model output must be [1,H,W], [1,1,H,W] or [H,W], is [{string.Join(",", shape)}]");
        var values = output.ToArray();
        foreach (var v in values) if (!float.IsFinite(v)) throw new InvalidDataException("depth model produced NaN or infinite values");
        return new DepthMap(ow, oh, values).Resize(image.Width, image.Height);
    }

    public void Dispose() => session.Dispose();
}
