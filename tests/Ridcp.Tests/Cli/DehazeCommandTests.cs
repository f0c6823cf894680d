using Ridcp.Cli;
using Ridcp.Imaging;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp dehaze` on a small network: outputs, and the one-line errors and exit codes of bad input.</summary>
public class DehazeCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-cli-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    string P(string name) => Path.Combine(dir, name);

    string SmallCheckpoint(string name = "small.pth", Action<Dictionary<string, Tensor>>? edit = null) =>
        TestCheckpoints.WriteSmall(P(name), edit);

    string Image(string name, int w = 40, int h = 28)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)((i * 37 % 101) / 100.0);
        string path = P(name);
        ImageFile.Write(img, path);
        return path;
    }

    static void AssertOneErrorLine(CliRun.Result r, params string[] mentions)
    {
        var line = Assert.Single(r.ErrLines);
        Assert.StartsWith("error: ", line);
        foreach (var m in mentions) Assert.Contains(m, line);
    }

    [Fact]
    public void Dehazes_an_image_to_png_and_jpeg_of_the_same_size()
    {
        string ck = SmallCheckpoint(), input = Image("in.png", 45, 33);
        var r = CliRun.Invoke("dehaze", input, "-o", P("out.png"), "--weights", ck);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        var output = ImageFile.Read(P("out.png"));
        Assert.Equal((45, 33), (output.Width, output.Height));
        Assert.NotEqual(ImageFile.Read(input).Data, output.Data);

        Assert.Equal(ExitCodes.Ok, CliRun.Invoke("dehaze", input, "-o", P("out.jpg"), "--weights", ck).ExitCode);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, File.ReadAllBytes(P("out.jpg"))[..2]);
    }

    [Fact]
    public void Missing_input_is_one_error_line_and_exit_3()
    {
        var r = CliRun.Invoke("dehaze", P("nope.png"), "-o", P("out.png"), "--weights", SmallCheckpoint());
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        AssertOneErrorLine(r, "nope.png");
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void Corrupt_image_is_one_error_line_and_leaves_no_output()
    {
        File.WriteAllBytes(P("bad.png"), [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3]);
        var r = CliRun.Invoke("dehaze", P("bad.png"), "-o", P("out.png"), "--weights", SmallCheckpoint());
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        AssertOneErrorLine(r, "bad.png");
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void Missing_checkpoint_is_one_error_line_and_exit_3()
    {
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", P("none.pth"));
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        AssertOneErrorLine(r, "none.pth", "not found");
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void Truncated_checkpoint_is_one_error_line_and_exit_3()
    {
        var bytes = File.ReadAllBytes(SmallCheckpoint());
        File.WriteAllBytes(P("cut.pth"), bytes[..(bytes.Length / 2)]);
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", P("cut.pth"));
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        AssertOneErrorLine(r, "cut.pth");
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void A_checkpoint_whose_pickle_names_a_foreign_global_is_refused_without_running_it()
    {
        string ck = P("evil.pth");
        Checkpoints.HandMadeCheckpoints.WriteZip(ck, "evil", ("data.pkl", Checkpoints.HandMadeCheckpoints.ForeignCallPickle("posix", "system")), ("version", "3\n"u8.ToArray()));
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", ck);
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        AssertOneErrorLine(r, "posix.system", "evil.pth");
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void Sixteen_bit_png_output_is_available_and_refused_for_jpeg()
    {
        string ck = SmallCheckpoint(), input = Image("in.png", 40, 30);
        var r = CliRun.Invoke("dehaze", input, "-o", P("out16.png"), "--weights", ck, "--bit-depth", "16");
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        Assert.Equal(16, File.ReadAllBytes(P("out16.png"))[24]); // IHDR bit depth
        var eight = CliRun.Invoke("dehaze", input, "-o", P("out8.png"), "--weights", ck);
        Assert.Equal(8, File.ReadAllBytes(P("out8.png"))[24]);
        var a = ImageFile.Read(P("out16.png")).Data;
        var b = ImageFile.Read(P("out8.png")).Data;
        Assert.All(Enumerable.Range(0, a.Length), i => Assert.InRange(Math.Abs(a[i] - b[i]), 0, 0.5 / 255 + 1e-6));

        var jpeg = CliRun.Invoke("dehaze", input, "-o", P("out.jpg"), "--weights", ck, "--bit-depth", "16");
        Assert.Equal(ExitCodes.Usage, jpeg.ExitCode);
        AssertOneErrorLine(jpeg, "16");
    }

    [Fact]
    public void A_renamed_key_is_named_in_the_error_and_no_output_is_written()
    {
        const string key = "multiscale_decoder.warp.0.dcn.conv_offset.weight";
        string ck = SmallCheckpoint("renamed.pth", sd => { sd["renamed.weight"] = sd[key]; sd.Remove(key); });
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", ck);
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        AssertOneErrorLine(r, key, "renamed.weight");
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_named_in_the_error_and_no_output_is_written()
    {
        const string key = "multiscale_encoder.in_conv.bias";
        string ck = SmallCheckpoint("reshaped.pth", sd => sd[key] = cat([sd[key], sd[key][..1]]));
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", ck);
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        AssertOneErrorLine(r, key);
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void Alpha_without_a_chm_weight_is_a_usage_error()
    {
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", SmallCheckpoint(), "--alpha", "-21.25");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        AssertOneErrorLine(r, "--alpha", "--chm-weight");
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void Output_equal_to_the_input_is_refused_and_the_input_is_untouched()
    {
        string input = Image("in.png");
        var before = File.ReadAllBytes(input);
        var r = CliRun.Invoke("dehaze", input, "-o", input, "--weights", SmallCheckpoint());
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        AssertOneErrorLine(r, "overwrite");
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void A_folder_with_one_bad_image_writes_the_others_and_names_the_bad_one()
    {
        Directory.CreateDirectory(P("in"));
        Image("in/a.png", 33, 20);
        File.Copy(Fixture.File("images", "enlightenment_foggy-trees.jpg"), P("in/b.jpg"));
        File.WriteAllText(P("in/c.jpg"), "not a jpeg");
        var r = CliRun.Invoke("dehaze", P("in"), "-o", P("out"), "--weights", SmallCheckpoint(), "--max-size", "400");
        Assert.Equal(ExitCodes.PartialFailure, r.ExitCode);
        Assert.True(File.Exists(P("out/a.png")));
        var b = ImageFile.Read(P("out/b.jpg"));
        Assert.Equal((1024, 576), (b.Width, b.Height)); // through the halving path (1024*576 >= 400^2), back to full size
        Assert.False(File.Exists(P("out/c.jpg")));
        Assert.Contains("c.jpg", r.ErrLines[0]);
        Assert.Contains("1 of 3 images failed: c.jpg", r.Err);
        Assert.Equal(2, r.ErrLines.Length);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_and_the_loading_notes()
    {
        var bad = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", P("none.pth"), "--verbose");
        Assert.True(bad.ErrLines.Length > 1);
        var ok = CliRun.Invoke("dehaze", P("in.png"), "-o", P("out.png"), "--weights", SmallCheckpoint(), "--verbose");
        Assert.Equal(ExitCodes.Ok, ok.ExitCode);
        Assert.Contains("architecture options from the checkpoint", ok.Out);
        Assert.Contains("keys: all", ok.Out);
    }

    [Fact]
    public void A_bad_command_line_is_one_error_line_and_exit_2()
    {
        var r = CliRun.AsMain("dehaze", P("in.png"));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        AssertOneErrorLine(r, "--output", "ridcp dehaze --help");
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Help_lists_every_option()
    {
        var r = CliRun.Invoke("dehaze", "--help");
        foreach (var o in new[] { "--output", "--weights", "--chm-weight", "--alpha", "--max-size", "--bit-depth", "--device", "--verbose" })
            Assert.Contains(o, r.Out);
    }
}
