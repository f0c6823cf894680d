using Ridcp.Evaluation;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Metrics;
using Xunit;

namespace Ridcp.Tests.Inference;

/// <summary>The model shipped in the repository (models/ridcp-small, issue 6): `ridcp dehaze` without --weights finds
/// it, and it removes fog from the README's sample photo as FADE measures it.</summary>
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
}
