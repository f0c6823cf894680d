using Ridcp.Evaluation;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Metrics;
using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Inference;

/// <summary>The model shipped in the repository (models/ridcp-small, issue 6): `ridcp dehaze` without --weights finds
/// it, it removes fog from the README's sample photo as FADE measures it, and it restores a held-out hazy photo
/// closer to its clear original than the hazy input is.</summary>
public class BundledModelTests
{
    const string SampleRelativePath = "samples/hazy-tea-gardens.jpg";

    // The sample (1024x683) is shrunk so that the test stays within a few seconds on a 2-core CPU; FADE works on
    // 8x8 patches, so 512 px on the longer side still gives it ~2700 patches.
    const int TestLongSide = 512;

    static string FindAboveBaseDirectory(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relativePath} not found in any folder above the test assembly");
    }

    [Fact]
    public void The_bundled_weights_are_found_from_the_test_folder_and_hold_a_dehazing_network()
    {
        string path = BundledModel.Resolve(AppContext.BaseDirectory);
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = path });
        Assert.True(dehazer.Architecture.LqStage);
        Assert.Contains("architecture options from the checkpoint", dehazer.LoadNotes);
    }

    [Fact]
    public void The_bundled_model_lowers_the_fog_density_of_the_sample_photo()
    {
        var hazy = Thumbnail.Downscale(ImageFile.Read(FindAboveBaseDirectory(SampleRelativePath)), TestLongSide);
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = BundledModel.Resolve(AppContext.BaseDirectory) });

        var dehazed = dehazer.Dehaze(hazy);

        Assert.Equal((hazy.Width, hazy.Height), (dehazed.Width, dehazed.Height));
        Assert.All(dehazed.Data, v => Assert.True(float.IsFinite(v)));
        double before = Fade.Compute(hazy), after = Fade.Compute(dehazed);
        Assert.True(after < before, $"FADE of the sample: input {before:F4}, bundled model {after:F4} (should drop)");
    }

    /// <summary>FADE alone is a weak check (a 2-iteration model lowers it too, by darkening). This one needs real
    /// dehazing: a photo the model never saw in training (skimage's motorcycle, one of the 4 held-out validation
    /// photos) hazed with its measured disparity at fixed beta 1.0 and airlight 0.8, nothing else, must come back
    /// closer to the clear photo than the hazy input is. Measured for the shipped model: input 10.93 dB, output
    /// 13.93 dB (the previous bundled model: 14.75). The threshold of +1 dB leaves room for CPU kernel differences
    /// but not for a model that only tints or darkens (a 2-iteration model scores 8.64 dB, below the input).</summary>
    [Fact]
    public void The_bundled_model_brings_a_held_out_hazy_photo_closer_to_its_clear_original()
    {
        var clear = ImageFile.Read(Fixture.File("synthesis", "motorcycle_small.png"));
        var depth = DepthMapFile.Read(Fixture.File("synthesis", "motorcycle_small.disparity.npy")).Normalised(DepthKind.Inverse);
        var fixedHaze = SynthesisOptions.Official with
        {
            FixedBeta = 1.0, FixedAirlight = 0.8, GammaProb = 0, NoiseProb = 0, JpegProb = 0, ColorBias = 0,
        };
        var hazy = HazeSynthesizer.Synthesize(clear, depth, fixedHaze, seed: 0, sampleIndex: 0).Hazy;
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = BundledModel.Resolve(AppContext.BaseDirectory) });

        var dehazed = dehazer.Dehaze(hazy);

        double before = FullReference.Psnr(hazy, clear), after = FullReference.Psnr(dehazed, clear);
        Assert.True(after > before + 1.0, $"PSNR against the clear photo: hazy input {before:F2} dB, bundled model {after:F2} dB (should gain > 1 dB)");
    }
}
