using Ridcp.Cli;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Tests.Parity;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp dehaze` with the official configuration and the deterministic parity weights reproduces what the
/// official architecture computes (Fixtures/parity lq_45x61 cases), end to end through a checkpoint file, a 16-bit
/// PNG input and an 8-bit PNG output.</summary>
public class DehazeParityTests : IClassFixture<OfficialCheckpointFixture>
{
    /// <summary>Issue 2, "Done when": within 1/255 per channel on at least 99.9% of values. The 8-bit output
    /// rounding alone is up to 0.5/255; the 16-bit quantisation of the input (<= 0.5/65535) is the only other
    /// difference from the reference besides float32 noise.</summary>
    const double PixelTolerance = 1.0 / 255;
    const double RequiredFraction = 0.999;
    /// <summary>Parity README section 7: final outputs agree to 1e-4 (15-25x the float32 noise).</summary>
    const double FloatTolerance = 1e-4;

    readonly OfficialCheckpointFixture official;
    public DehazeParityTests(OfficialCheckpointFixture official) => this.official = official;

    string P(string name) => Path.Combine(official.Dir, name);

    string InputPng()
    {
        string path = P("lq_45x61.png");
        if (!File.Exists(path))
        {
            using var t = DeterministicWeights.LoadNpy("lq_45x61_input.npy");
            ImageFile.WritePng(RgbImage.FromTensor(t), path, 16);
        }
        return path;
    }

    static double FractionWithin(RgbImage output, string referenceNpy, double tolerance)
    {
        using var reference = DeterministicWeights.LoadNpy(referenceNpy);
        var want = RgbImage.FromTensor(reference.clamp(0, 1)).Data;
        int ok = 0;
        for (int i = 0; i < want.Length; i++) if (Math.Abs(output.Data[i] - want[i]) <= tolerance + 1e-7) ok++;
        return (double)ok / want.Length;
    }

    [Theory]
    [InlineData("0", "lq_45x61_a0_output.npy")]
    [InlineData("-21.25", "lq_45x61_am21.25_output.npy")]
    [InlineData(null, "lq_45x61_am21.25_output.npy")] // the official alpha is the default with a CHM weight
    public void Cli_output_matches_the_official_architecture_within_one_level(string? alpha, string reference)
    {
        string output = P($"out_{alpha ?? "default"}.png");
        // --max-size 1500: the official inference_ridcp.py's rule (a no-op at this size, kept to run exactly its command).
        var args = new List<string> { "dehaze", InputPng(), "-o", output, "--weights", official.Checkpoint, "--chm-weight", Fixture.Parity("chm_weight.pth"), "--max-size", "1500" };
        if (alpha is not null) args.AddRange(["--alpha", alpha]);
        var r = CliRun.Invoke([.. args]);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        var image = ImageFile.Read(output);
        Assert.Equal((61, 45), (image.Width, image.Height));
        Assert.InRange(FractionWithin(image, reference, PixelTolerance), RequiredFraction, 1.0);
    }

    [Fact]
    public void Without_a_chm_weight_the_matching_is_plain()
    {
        string output = P("out_plain.png");
        var r = CliRun.Invoke("dehaze", InputPng(), "-o", output, "--weights", official.Checkpoint, "--max-size", "1500");
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        Assert.InRange(FractionWithin(ImageFile.Read(output), "lq_45x61_a0_output.npy", PixelTolerance), RequiredFraction, 1.0);
    }

    [Fact]
    public void Dehazer_on_the_float_input_matches_the_reference_to_float_tolerance()
    {
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = official.Checkpoint, ChmWeightPath = Fixture.Parity("chm_weight.pth"), MaxSize = MaxSizeRule.OfficialMaxSize });
        Assert.Equal(Dehazer.OfficialAlpha, dehazer.Alpha);
        using var scope = NewDisposeScope();
        var input = DeterministicWeights.LoadNpy("lq_45x61_input.npy");
        var output = dehazer.DehazeTensor(input);
        var reference = DeterministicWeights.LoadNpy("lq_45x61_am21.25_output.npy").clamp(0, 1);
        double maxDiff = (output - reference).abs().max().item<float>();
        Assert.True(maxDiff <= FloatTolerance, $"max |diff| {maxDiff}");
    }
}
