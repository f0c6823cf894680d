using System.Buffers.Binary;
using System.IO.Compression;
using Ridcp.Checkpoints;
using Ridcp.Cli;
using Ridcp.Imaging;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Cli;

/// <summary>Issue 15 through `ridcp dehaze`: inputs built to lose data or memory, each answered with one error line,
/// the README's exit code and no file touched that should not be. Every hostile file is a few KB, made here.</summary>
public class HostileDehazeTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-hostile-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    string P(string name) => Path.Combine(dir, name);

    string Image(string name, int w = 40, int h = 28)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)((i * 37 % 101) / 100.0);
        ImageFile.Write(img, P(name));
        return P(name);
    }

    string ChmWeight(string name, float value)
    {
        using var t = full(64, value);   // TestCheckpoints.Small has 64 codes
        CheckpointWriter.WriteTensor(P(name), t);
        return P(name);
    }

    static string OneErrorLine(CliRun.Result r)
    {
        var line = Assert.Single(r.ErrLines);
        Assert.StartsWith("error: ", line);
        return line;
    }

    [Fact]
    public void A_sweep_whose_derived_name_is_the_input_refuses_and_leaves_the_input_as_it_was()
    {
        string input = Image("t_alpha0.png");
        byte[] original = File.ReadAllBytes(input);
        var r = CliRun.Invoke("dehaze", input, "-o", P("t.png"), "--alpha-sweep=0:0:1",
                              "--weights", TestCheckpoints.WriteSmall(P("small.pth")), "--chm-weight", ChmWeight("chm.pth", 0.5f));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("is an input", OneErrorLine(r));
        Assert.Equal(original, File.ReadAllBytes(input));
        Assert.False(File.Exists(P("t_sweep.png")));
    }

    [Fact]
    public void A_sweep_finer_than_its_output_names_is_refused_instead_of_dropping_outputs()
    {
        var e = Assert.Throws<ArgumentException>(() => Ridcp.Matching.AlphaSweep.Parse("0:0.000001:0.0000001"));
        Assert.Contains("resolution", e.Message);
        // 0.001 steps, which two-decimal names merged into 2 files of 11, now get 11 distinct names.
        var alphas = Ridcp.Matching.AlphaSweep.Parse("0:0.01:0.001");
        Assert.Equal(11, alphas.Select(a => Ridcp.Matching.AlphaSweep.OutputFor("o.png", a)).Distinct().Count());
    }

    [Fact]
    public void Sweep_outputs_of_two_inputs_that_collide_are_refused()
    {
        var items = new[] { new Ridcp.Inference.DehazeItem(P("a.png"), P("o/x.png")), new Ridcp.Inference.DehazeItem(P("b.png"), P("o/x.png")) };
        var e = Assert.Throws<ArgumentException>(() => Ridcp.Matching.AlphaSweep.CheckOutputs(items, [0.0]));
        Assert.Contains("collide", e.Message);
    }

    [Fact]
    public void A_small_jpeg_whose_header_claims_14000_by_14000_is_refused_before_decoding()
    {
        // A real 16x16 JPEG with the frame header's size patched: the header is all the decoder needs to refuse it.
        using var bmp = new SKBitmap(16, 16);
        using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, 90);
        var bytes = data.ToArray();
        int sof = Enumerable.Range(0, bytes.Length - 1).First(i => bytes[i] == 0xFF && bytes[i + 1] == 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), 14000);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), 14000);
        File.WriteAllBytes(P("bomb.jpg"), bytes);
        Assert.True(bytes.Length < 5000);

        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Read(P("bomb.jpg")));
        Assert.Contains("14000x14000", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 16L << 20);
    }

    [Fact]
    public void An_all_zero_png_of_14000_by_14000_is_refused_from_its_header_and_the_limit_is_an_option()
    {
        string path = P("zeros.png");
        WriteZeroPng(path, 14000, 14000);
        Assert.True(new FileInfo(path).Length < 1_000_000);
        var r = CliRun.Invoke("dehaze", path, "-o", P("out.png"), "--method", "dcp");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("too large", OneErrorLine(r));

        var small = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("o2.png"), "--method", "dcp", "--max-pixels", "100");
        Assert.Equal(ExitCodes.BadInput, small.ExitCode);
        Assert.Contains("at most 100 pixels", OneErrorLine(small));
    }

    /// <summary>An 8-bit grey PNG of zeros, streamed (the test never holds the pixels).</summary>
    static void WriteZeroPng(string path, int w, int h)
    {
        using var fs = File.Create(path);
        fs.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8;
        Chunk(fs, "IHDR", ihdr);
        var z = new MemoryStream();
        using (var zl = new ZLibStream(z, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[w + 1];
            for (int y = 0; y < h; y++) zl.Write(row);
        }
        Chunk(fs, "IDAT", z.ToArray());
        Chunk(fs, "IEND", []);
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(head, 4);
        s.Write(head);
        s.Write(data);
        var crc = new byte[4];
        var hash = new System.IO.Hashing.Crc32();
        hash.Append(head.AsSpan(4));
        hash.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(crc, hash.GetCurrentHashAsUInt32());
        s.Write(crc);
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("-1e30")]
    [InlineData("NaN")]
    [InlineData("500")]   // allowed on its own, but 500 * 0.5 (the CHM weight) leaves float32's exp range
    public void An_absurd_alpha_is_refused_as_a_usage_error(string alpha)
    {
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--alpha", alpha,
                              "--weights", TestCheckpoints.WriteSmall(P("small.pth")), "--chm-weight", ChmWeight("chm.pth", 0.5f));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("alpha", OneErrorLine(r));
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void An_all_nan_chm_weight_is_refused_naming_the_file()
    {
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"),
                              "--weights", TestCheckpoints.WriteSmall(P("small.pth")), "--chm-weight", ChmWeight("nan.pth", float.NaN));
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        var line = OneErrorLine(r);
        Assert.Contains("nan.pth", line);
        Assert.Contains("non-finite", line);
    }

    [Fact]
    public void A_nan_weight_fails_the_dehaze_with_exit_3_naming_the_tensor_instead_of_a_black_image()
    {
        string ck = TestCheckpoints.WriteSmall(P("nan.pth"), sd => sd["multiscale_encoder.in_conv.bias"][0] = float.NaN);
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", ck);
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("multiscale_encoder.in_conv.bias", OneErrorLine(r));
        Assert.False(File.Exists(P("out.png")));
    }

    [Fact]
    public void An_architecture_bomb_in_a_checkpoint_is_one_line_and_exit_3()
    {
        string ck = P("bomb.pth");
        using (var scope = NewDisposeScope())
        {
            var arch = TestCheckpoints.Small.ToDictionary();
            arch["swin_blk_depth"] = 100000;
            CheckpointWriter.Write(ck, new Dictionary<string, object?> { ["params"] = TestCheckpoints.StateDict(TestCheckpoints.Small), [Ridcp.Inference.Dehazer.ArchKey] = arch });
        }
        var r = CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", ck);
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("blk_depth", OneErrorLine(r));
    }

    [Fact]
    public void A_named_pipe_as_weights_is_refused_at_once()
    {
        string fifo = P("weights.pth");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        var run = Task.Run(() => CliRun.Invoke("dehaze", Image("in.png"), "-o", P("out.png"), "--weights", fifo));
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), "the pipe was opened and blocked");
        Assert.Equal(ExitCodes.BadInput, run.Result.ExitCode);
        Assert.Contains("not a regular file", OneErrorLine(run.Result));
    }

    [Fact]
    public void A_folder_whose_every_image_fails_exits_with_the_failures_code_not_some_written()
    {
        Directory.CreateDirectory(P("in"));
        File.WriteAllBytes(P("in/a.png"), [1, 2, 3]);
        File.WriteAllBytes(P("in/b.jpg"), [4, 5, 6]);
        var r = CliRun.Invoke("dehaze", P("in"), "-o", P("out"), "--method", "dcp");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Equal(ExitCodes.PartialFailure, Ridcp.Cli.Commands.DehazeCommand.BatchExitCode(2, [ExitCodes.BadInput]));
        Assert.Equal(ExitCodes.OutputError, Ridcp.Cli.Commands.DehazeCommand.BatchExitCode(2, [ExitCodes.OutputError, ExitCodes.OutputError]));
    }

    [Fact]
    public void Tif_files_are_not_listed_as_images_since_they_cannot_be_decoded()
    {
        Directory.CreateDirectory(P("in"));
        Image("in/ok.png");
        File.WriteAllBytes(P("in/scan.tif"), [0x49, 0x49, 42, 0]);
        var items = Ridcp.Inference.DehazePlan.Make(P("in"), P("out"));
        Assert.Equal(["ok.png"], items.Select(i => Path.GetFileName(i.Input)));
    }
}
