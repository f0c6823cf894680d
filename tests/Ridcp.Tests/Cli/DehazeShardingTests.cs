using Ridcp.Cli;
using Ridcp.Imaging;
using Ridcp.Tests.Checkpoints;
using Xunit;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp dehaze DIR --shard K/N` and `--skip-existing` through the CLI: the shards of a folder are disjoint
/// and together cover it, and a resumed batch leaves finished outputs alone.</summary>
public class DehazeShardingTests : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    string Folder(int images)
    {
        string dir = tmp.File("in");
        Directory.CreateDirectory(dir);
        for (int n = 0; n < images; n++)
        {
            var img = new RgbImage(24, 16);
            for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)(((i + 7 * n) * 37 % 101) / 100.0);
            ImageFile.Write(img, Path.Combine(dir, $"img{n}.png"));
        }
        return dir;
    }

    static string[] Names(string dir) => Directory.Exists(dir) ? Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order().ToArray() : [];

    [Fact]
    public void Three_shards_write_disjoint_parts_that_together_are_the_whole_folder()
    {
        string input = Folder(7);
        var parts = new List<string[]>();
        for (int k = 0; k < 3; k++)
        {
            string output = tmp.File($"out{k}");
            var r = CliRun.Invoke("dehaze", input, "-o", output, "--method", "dcp", "--shard", $"{k}/3");
            Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
            Assert.Contains($"shard {k}/3: {Names(output).Length} of 7 images", r.Out);
            parts.Add(Names(output));
        }
        Assert.Equal([3, 2, 2], parts.Select(p => p.Length));
        Assert.Equal(Names(input), parts.SelectMany(p => p).Order().ToArray());
        Assert.Equal(["img0.png", "img3.png", "img6.png"], parts[0]);
    }

    [Fact]
    public void Skip_existing_leaves_finished_outputs_untouched_and_writes_the_rest()
    {
        string input = Folder(3), output = tmp.File("out");
        Directory.CreateDirectory(output);
        byte[] marker = [1, 2, 3];
        File.WriteAllBytes(Path.Combine(output, "img1.png"), marker);

        var r = CliRun.Invoke("dehaze", input, "-o", output, "--method", "dcp", "--skip-existing");

        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        Assert.Contains("skipping 1 image(s) whose output exists", r.Out);
        Assert.Equal(marker, File.ReadAllBytes(Path.Combine(output, "img1.png")));
        Assert.Equal(["img0.png", "img1.png", "img2.png"], Names(output));

        var again = CliRun.Invoke("dehaze", input, "-o", output, "--method", "dcp", "--skip-existing");
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Contains("nothing to do", again.Out);
    }

    [Fact]
    public void Without_skip_existing_an_existing_output_is_replaced()
    {
        string input = Folder(1), output = tmp.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllBytes(Path.Combine(output, "img0.png"), [1, 2, 3]);
        Assert.Equal(ExitCodes.Ok, CliRun.Invoke("dehaze", input, "-o", output, "--method", "dcp").ExitCode);
        Assert.Equal(24, ImageFile.Read(Path.Combine(output, "img0.png")).Width);
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("1")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    [InlineData("0/0")]
    public void A_bad_shard_is_a_usage_error_naming_the_option(string shard)
    {
        var r = CliRun.Invoke("dehaze", Folder(2), "-o", tmp.File("out"), "--method", "dcp", "--shard", shard);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("--shard", Assert.Single(r.ErrLines));
        Assert.False(Directory.Exists(tmp.File("out")));
    }

    [Fact]
    public void A_folder_of_jpegs_says_that_it_encodes_them_again()
    {
        string dir = tmp.File("jpg");
        Directory.CreateDirectory(dir);
        ImageFile.Write(new RgbImage(16, 16), Path.Combine(dir, "a.jpg"));
        var r = CliRun.Invoke("dehaze", dir, "-o", tmp.File("out"), "--method", "dcp");
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        Assert.Contains("1 output(s) are JPEG like their inputs, encoded again at quality 95", r.Out);
    }
}
