using Ridcp.Imaging;
using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class MonocularDepthEstimatorTests : IDisposable
{
    // ONNX Runtime's float32 mean of three values against our float32 arithmetic.
    const float Tolerance = 1e-5f;
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-onnx-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    string Model(int? h, int? w)
    {
        string p = Path.Combine(dir, $"tiny_{h}_{w}.onnx");
        File.WriteAllBytes(p, TinyOnnx.ReduceMeanOverChannels(h, w));
        return p;
    }

    [Fact]
    public void The_model_sees_the_normalised_image_at_its_fixed_input_size()
    {
        var img = new RgbImage(8, 6);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (i * 53 % 255) / 255f;
        using var est = new MonocularDepthEstimator(Model(6, 8), new MonocularDepthOptions { Mean = [0.5f, 0.4f, 0.3f], Std = [0.2f, 0.25f, 0.5f] });
        Assert.Equal((8, 6), (est.InputWidth, est.InputHeight));
        var d = est.Estimate(img);
        Assert.Equal((8, 6), (d.Width, d.Height));
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 8; x++)
            {
                float expected = ((img[0, y, x] - 0.5f) / 0.2f + (img[1, y, x] - 0.4f) / 0.25f + (img[2, y, x] - 0.3f) / 0.5f) / 3f;
                Assert.Equal(expected, d.Values[y * 8 + x], Tolerance);
            }
    }

    [Fact]
    public void A_dynamic_model_runs_at_the_requested_size_and_its_output_is_resized_to_the_photo()
    {
        var img = new RgbImage(20, 10);
        for (int i = 0; i < 200; i++) { img.Data[i] = 0.6f; img.Data[200 + i] = 0.5f; img.Data[400 + i] = 0.2f; }
        using var est = new MonocularDepthEstimator(Model(null, null), new MonocularDepthOptions { InputWidth = 8, InputHeight = 4 });
        Assert.Equal((8, 4), (est.InputWidth, est.InputHeight));
        var d = est.Estimate(img);
        Assert.Equal((20, 10), (d.Width, d.Height));
        float expected = ((0.6f - 0.485f) / 0.229f + (0.5f - 0.456f) / 0.224f + (0.2f - 0.406f) / 0.225f) / 3f;
        Assert.All(d.Values, v => Assert.Equal(expected, v, Tolerance));
    }

    [Fact]
    public void A_size_that_contradicts_a_fixed_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new MonocularDepthEstimator(Model(6, 8), new MonocularDepthOptions { InputWidth = 16, InputHeight = 16 }));
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_reported_as_bad_input()
    {
        string p = Path.Combine(dir, "junk.onnx");
        File.WriteAllText(p, "not a model");
        Assert.Throws<InvalidDataException>(() => new MonocularDepthEstimator(p));
        Assert.Throws<FileNotFoundException>(() => new MonocularDepthEstimator(Path.Combine(dir, "missing.onnx")));
    }
}
