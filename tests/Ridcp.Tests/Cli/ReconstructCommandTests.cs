using Ridcp.Cli;
using Ridcp.Imaging;
using Ridcp.Inference;
using Xunit;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp reconstruct`: clear photos through the stage-1 VQGAN, and one-line refusals of bad weights.</summary>
public sealed class ReconstructCommandTests : IDisposable
{
    private readonly TempFolder temp = new();

    private string SmallPhoto()
    {
        string p = temp.File("clear.png");
        ImageFile.Write(ImageFile.Read(Fixture.File("colour", "osprey_320.png")), p);
        return p;
    }

    private static string BundledFile(string name) => Path.Combine(Path.GetDirectoryName(BundledModel.Resolve(AppContext.BaseDirectory))!, name);

    [Fact]
    public void The_bundled_vqgan_reconstructs_a_photo_at_its_size()
    {
        string output = temp.File("recon.png");
        var r = CliRun.Invoke("reconstruct", SmallPhoto(), "-o", output);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        var img = ImageFile.Read(output);
        Assert.Equal((320, 180), (img.Width, img.Height));
    }

    [Fact]
    public void A_folder_is_reconstructed_image_by_image_and_summarised_as_reconstructed()
    {
        string input = Directory.CreateDirectory(temp.File("clear")).FullName;
        File.Copy(SmallPhoto(), Path.Combine(input, "a.png"));
        File.Copy(SmallPhoto(), Path.Combine(input, "b.png"));
        string output = temp.File("recon");
        var r = CliRun.Invoke("reconstruct", input, "-o", output);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        Assert.True(File.Exists(Path.Combine(output, "a.png")) && File.Exists(Path.Combine(output, "b.png")));
        Assert.Contains("2 of 2 images reconstructed", r.Out);
        Assert.DoesNotContain("dehazed", r.Out);
    }

    [Fact]
    public void A_dehazer_checkpoint_is_refused_with_one_line()
    {
        var r = CliRun.Invoke("reconstruct", SmallPhoto(), "-o", temp.File("x.png"), "--weights", BundledFile("ridcp.pth"));
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("stage-1 VQGAN", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.False(File.Exists(temp.File("x.png")));
    }

    [Fact]
    public void Missing_and_corrupt_weight_files_are_refused_with_one_line()
    {
        string corrupt = temp.File("corrupt.pth");
        File.WriteAllBytes(corrupt, [0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
        foreach (var weights in new[] { temp.File("missing.pth"), corrupt })
        {
            var r = CliRun.Invoke("reconstruct", SmallPhoto(), "-o", temp.File("y.png"), "--weights", weights);
            Assert.NotEqual(ExitCodes.Ok, r.ExitCode);
            Assert.Single(r.Err.Trim().Split('\n'));
            Assert.False(File.Exists(temp.File("y.png")));
        }
    }

    public void Dispose() => temp.Dispose();
}
