using Ridcp.Checkpoints;
using Ridcp.Losses;
using Ridcp.Tests.Training;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ridcp.Tests.Losses;

/// <summary>One seeded VGG19-layout file for the whole class (about 40 MB, written once).</summary>
public sealed class Vgg19File : IDisposable
{
    readonly TempFolder folder = new();
    public string Dir => folder.Path;
    public string Path { get; }
    public Vgg19File() => Path = Vgg19TestWeights.Write(folder.File("vgg19-test.pth"), seed: 11);
    public void Dispose() => folder.Dispose();
}

public class Vgg19FeaturesTests(Vgg19File file) : IClassFixture<Vgg19File>
{
    /// <summary>torchvision vgg19.features[:27] written out by hand from the file's tensors: conv where the file has
    /// features.i, max-pools at 4, 9, 18, ReLU elsewhere; input ImageNet-normalised (basicsr use_input_norm).</summary>
    private static Tensor Reference(StateDict sd, Tensor x01)
    {
        var x = (x01 - tensor(new[] { 0.485f, 0.456f, 0.406f }).view(1, 3, 1, 1)) / tensor(new[] { 0.229f, 0.224f, 0.225f }).view(1, 3, 1, 1);
        for (int i = 0; i <= 26; i++)
        {
            if (sd.TryGetValue($"features.{i}.weight", out var w)) x = F.conv2d(x, w, sd[$"features.{i}.bias"], padding: [1, 1]);
            else if (i is 4 or 9 or 18) x = F.max_pool2d(x, 2, 2);
            else x = F.relu(x);
        }
        return x;
    }

    [Fact]
    public void Relu4_4_of_a_torchvision_layout_file_has_512_channels_at_stride_8_and_matches_the_layers_written_out()
    {
        using var scope = NewDisposeScope();
        using var vgg = Vgg19Features.Load(file.Path);
        var x = rand(2, 3, 64, 48, generator: new Generator(3));
        Tensor feat;
        using (no_grad()) feat = vgg.forward(x);
        Assert.Equal(new long[] { 2, Vgg19Features.Channels, 64 / 8, 48 / 8 }, feat.shape);
        Assert.True(feat.gt(0).to_type(ScalarType.Float32).mean().item<float>() > 0.05f, "relu4_4 is almost all zero");

        using var sd = TorchCheckpoint.ReadStateDict(file.Path);
        var expected = Reference(sd, x);
        float maxDiff = (feat - expected).abs().max().item<float>();
        float scale = expected.abs().max().item<float>();
        Assert.True(maxDiff <= 1e-4f * Math.Max(1f, scale), $"max |diff| {maxDiff} (scale {scale})");
    }

    [Fact]
    public void The_extractor_is_frozen()
    {
        using var vgg = Vgg19Features.Load(file.Path);
        Assert.NotEmpty(vgg.parameters());
        Assert.All(vgg.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(vgg.training);
    }

    [Fact]
    public void A_file_without_a_needed_key_is_refused_naming_the_key()
    {
        string path = Vgg19TestWeights.Write(System.IO.Path.Combine(file.Dir, "missing.pth"), seed: 1, drop: "features.23.weight");
        var e = Assert.Throws<InvalidDataException>(() => Vgg19Features.Load(path));
        Assert.Contains("features.23.weight", e.Message);
        Assert.Contains("missing.pth", e.Message);
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_refused_with_both_shapes()
    {
        string path = Vgg19TestWeights.Write(System.IO.Path.Combine(file.Dir, "shape.pth"), seed: 1, reshape: "features.10.weight");
        var e = Assert.Throws<InvalidDataException>(() => Vgg19Features.Load(path));
        Assert.Contains("features.10.weight", e.Message);
        Assert.Contains("[128,128,3,3]", e.Message);
        Assert.Contains("[256,128,3,3]", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_file_not_found_error()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Vgg19Features.Load(System.IO.Path.Combine(file.Dir, "nope.pth")));
        Assert.Contains("nope.pth", e.Message);
    }
}
