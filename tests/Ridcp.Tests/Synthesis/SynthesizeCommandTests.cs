using System.Text.Json;
using Ridcp.Cli;
using Ridcp.Core;
using Ridcp.Imaging;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class SynthesizeCommandTests : IDisposable
{
    /// <summary>The acceptance tolerance for `--fixed` with the random stages off: one 8-bit step.</summary>
    const double FormulaTolerance = 1 / 255.0;

    readonly string root = Directory.CreateTempSubdirectory("ridcp-synth-").FullName;
    public void Dispose() => Directory.Delete(root, true);

    string Dir(string name) { var d = Path.Combine(root, name); Directory.CreateDirectory(d); return d; }

    (string Clear, string Depth) MotorcycleInputs()
    {
        string clear = Dir("clear"), depth = Dir("depth");
        File.Copy(Fixture.File("synthesis", "motorcycle_small.png"), Path.Combine(clear, "motorcycle_small.png"));
        File.Copy(Fixture.File("synthesis", "motorcycle_small.disparity.npy"), Path.Combine(depth, "motorcycle_small.disparity.npy"));
        return (clear, depth);
    }

    static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var r = Ridcp.Tests.Cli.CliRun.Invoke(args);
        return (r.ExitCode, r.Out, r.Err);
    }

    static string[] Off => ["--gamma-prob", "0", "--noise-prob", "0", "--jpeg-prob", "0", "--color-bias", "0"];

    [Fact]
    public void Fixed_beta_and_airlight_with_random_stages_off_match_the_formula_on_a_real_photo_within_one_step()
    {
        var (clear, depth) = MotorcycleInputs();
        string output = Path.Combine(root, "out");
        var (code, _, err) = Cli(["synthesize", "--clear", clear, "--depth", depth, "-o", output, "--fixed", "beta=1.0,airlight=0.8", .. Off]);
        Assert.True(code == ExitCodes.Ok, err);

        var j = ImageFile.Read(Path.Combine(clear, "motorcycle_small.png"));
        var hazy = ImageFile.Read(Path.Combine(output, "motorcycle_small_000.png"));
        var d = Npy.Read(Path.Combine(depth, "motorcycle_small.disparity.npy")).Values;
        double min = d.Where(double.IsFinite).Min(), max = d.Where(double.IsFinite).Max();
        int n = j.Width * j.Height, compared = 0, holes = 0;
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(d[i])) { holes++; continue; } // no ground truth there: filled by the documented rule
            double t = Math.Exp(-2 * 1.0 * (1 - (d[i] - min) / (max - min))); // disparity = inverse depth, the default kind
            for (int c = 0; c < 3; c++)
            {
                double expected = j.Data[c * n + i] * t + 0.8 * (1 - t);
                worst = Math.Max(worst, Math.Abs(hazy.Data[c * n + i] - expected));
            }
            compared++;
        }
        Assert.True(holes > 0 && compared > n / 2);
        Assert.True(worst <= FormulaTolerance, $"worst difference {worst * 255:F3}/255");
    }

    [Fact]
    public void A_seed_reproduces_every_file_byte_for_byte_whatever_the_thread_count()
    {
        var (clear, depth) = MotorcycleInputs();
        File.Copy(Fixture.File("synthesis", "motorcycle_small.png"), Path.Combine(clear, "second.png"));
        File.Copy(Fixture.File("synthesis", "motorcycle_small.disparity.npy"), Path.Combine(depth, "second.npy"));
        string a = Path.Combine(root, "a"), b = Path.Combine(root, "b"), c = Path.Combine(root, "c");
        string[] common = ["--clear", clear, "--depth", depth, "--per-image", "3", "--save-transmission",
                           "--gamma-prob", "1", "--noise-prob", "1", "--jpeg-prob", "1"];
        Assert.Equal(0, Cli(["synthesize", .. common, "-o", a, "--seed", "7", "--threads", "1"]).Code);
        Assert.Equal(0, Cli(["synthesize", .. common, "-o", b, "--seed", "7", "--threads", "2"]).Code);
        Assert.Equal(0, Cli(["synthesize", .. common, "-o", c, "--seed", "8"]).Code);
        var files = Directory.GetFiles(a).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(13, files.Length); // 2 photos x 3 samples x (hazy + t) + manifest
        Assert.Equal(files, Directory.GetFiles(b).Select(Path.GetFileName).Order().ToArray());
        foreach (var f in files) Assert.Equal(File.ReadAllBytes(Path.Combine(a, f!)), File.ReadAllBytes(Path.Combine(b, f!)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "second_001.png")), File.ReadAllBytes(Path.Combine(c, "second_001.png")));
    }

    [Fact]
    public void The_manifest_records_files_and_drawn_parameters_with_null_for_stages_not_applied()
    {
        var (clear, depth) = MotorcycleInputs();
        string output = Path.Combine(root, "out");
        Assert.Equal(0, Cli(["synthesize", "--clear", clear, "--depth", depth, "-o", output, "--per-image", "2", "--seed", "100",
                             "--gamma-prob", "0", "--noise-prob", "1", "--jpeg-prob", "1"]).Code);
        var lines = File.ReadAllLines(Path.Combine(output, "manifest.jsonl"));
        Assert.Equal(2, lines.Length);
        for (int k = 0; k < 2; k++)
        {
            var e = JsonDocument.Parse(lines[k]).RootElement;
            Assert.Equal($"motorcycle_small_{k:D3}.png", e.GetProperty("file").GetString());
            Assert.Equal("motorcycle_small.png", e.GetProperty("clear").GetString());
            Assert.Equal("motorcycle_small.disparity.npy", e.GetProperty("depth").GetString());
            Assert.Equal(100 + k, e.GetProperty("seed").GetInt64());
            Assert.InRange(e.GetProperty("beta").GetDouble(), 0.3, 1.5);
            Assert.Equal(3, e.GetProperty("airlight").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("gamma").ValueKind);
            Assert.Contains(e.GetProperty("noise_mode").GetString(), new[] { "color", "gray", "correlated" });
            Assert.InRange(e.GetProperty("noise_level").GetInt32(), 2, 25);
            Assert.InRange(e.GetProperty("jpeg_quality").GetInt32(), 30, 95);
            Assert.True(File.Exists(Path.Combine(output, e.GetProperty("file").GetString()!)));
        }
    }

    [Fact]
    public void Range_and_probability_options_bound_every_parameter_the_manifest_records()
    {
        var (clear, depth) = MotorcycleInputs();
        string output = Path.Combine(root, "ranges");
        var (code, _, err) = Cli(["synthesize", "--clear", clear, "--depth", depth, "-o", output, "--per-image", "4", "--seed", "3",
            "--beta", "0.5,0.6", "--airlight", "0.4,0.45", "--color-prob", "0", "--gamma-prob", "1", "--gamma", "2.0,2.1",
            "--noise-prob", "0", "--jpeg-prob", "0"]);
        Assert.True(code == ExitCodes.Ok, err);
        var lines = File.ReadAllLines(Path.Combine(output, "manifest.jsonl"));
        Assert.Equal(4, lines.Length);
        foreach (var line in lines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            Assert.InRange(e.GetProperty("beta").GetDouble(), 0.5, 0.6);
            Assert.InRange(e.GetProperty("gamma").GetDouble(), 2.0, 2.1);
            var a = e.GetProperty("airlight").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.InRange(a[0], 0.4, 0.45);
            Assert.True(a[1] == a[0] && a[2] == a[0], "--color-prob 0: no per-channel bias, one grey airlight");
        }
    }

    [Fact]
    public void Depth_kind_depth_reads_large_values_as_far_so_near_and_far_swap()
    {
        // t = exp(-2β(1 - n)) for inverse depth (the default) and exp(-2β n) for depth, n the normalised map: with β = 1
        // the two transmissions multiply to e^-2 wherever the map is finite. Tolerance: both are 8-bit PNGs (±0.5/255 each).
        var (clear, depth) = MotorcycleInputs();
        void Run(string name, params string[] extra)
        {
            var (code, _, err) = Cli(["synthesize", "--clear", clear, "--depth", depth, "-o", Path.Combine(root, name),
                                      "--fixed", "beta=1.0,airlight=0.8", "--save-transmission", .. Off, .. extra]);
            Assert.True(code == ExitCodes.Ok, err);
        }
        Run("as-inverse");
        Run("as-depth", "--depth-kind", "depth");
        var tInverse = ImageFile.Read(Path.Combine(root, "as-inverse", "motorcycle_small_000_t.png"));
        var tDepth = ImageFile.Read(Path.Combine(root, "as-depth", "motorcycle_small_000_t.png"));
        var d = Npy.Read(Path.Combine(depth, "motorcycle_small.disparity.npy")).Values;
        int n = tInverse.Width * tInverse.Height, compared = 0;
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(d[i])) continue;
            Assert.Equal(Math.Exp(-2), tInverse.Data[i] * tDepth.Data[i], 1.0 / 255 + 1e-6);
            compared++;
        }
        Assert.True(compared > n / 2);
    }

    [Fact]
    public void Depth_model_normalisation_options_reach_the_model_and_default_to_imagenet_statistics()
    {
        string clear = Dir("clear");
        File.Copy(Fixture.File("synthesis", "desert.jpg"), Path.Combine(clear, "desert.jpg"));
        string model = Path.Combine(root, "tiny.onnx");
        File.WriteAllBytes(model, TinyOnnx.ReduceMeanOverChannels(null, null));   // depth = mean over the normalised channels
        RgbImage T(string name, params string[] extra)
        {
            var (code, _, err) = Cli(["synthesize", "--clear", clear, "--depth-model", model, "--depth-input-size", "32x24", "--seed", "5",
                                      "--save-transmission", "-o", Path.Combine(root, name), .. extra]);
            Assert.True(code == ExitCodes.Ok, err);
            return ImageFile.Read(Path.Combine(root, name, "desert_000_t.png"));
        }
        var byDefault = T("default");
        var explicitImagenet = T("imagenet", "--depth-mean", "0.485,0.456,0.406", "--depth-std", "0.229,0.224,0.225");
        Assert.Equal(byDefault.Data, explicitImagenet.Data);
        // Weighting red or blue (a huge std silences a channel) gives the model different inputs, so different depth.
        var redBlind = T("red-blind", "--depth-mean", "0,0,0", "--depth-std", "1000,1,1");
        var blueBlind = T("blue-blind", "--depth-mean", "0,0,0", "--depth-std", "1,1,1000");
        double meanAbs = redBlind.Data.Zip(blueBlind.Data, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanAbs > 2.0 / 255, $"mean |Δt| {meanAbs * 255:0.00}/255");
    }

    [Fact]
    public void Unreadable_photos_and_missing_depth_maps_are_reported_and_skipped_and_the_rest_is_written()
    {
        var (clear, depth) = MotorcycleInputs();
        File.WriteAllBytes(Path.Combine(clear, "broken.png"), [1, 2, 3, 4, 5]);
        File.Copy(Path.Combine(clear, "motorcycle_small.png"), Path.Combine(clear, "orphan.png"));
        File.WriteAllBytes(Path.Combine(depth, "broken.npy"), [9, 9]);
        string output = Path.Combine(root, "out");
        var (code, outText, err) = Cli(["synthesize", "--clear", clear, "--depth", depth, "-o", output, "--per-image", "2"]);
        Assert.Equal(ExitCodes.PartialFailure, code);
        var errors = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, l => l.StartsWith("error: broken.png:"));
        Assert.Contains(errors, l => l.StartsWith("error: orphan.png:") && l.Contains("no depth map"));
        Assert.Contains("wrote 2 hazy image(s)", outText);
        Assert.Equal(["manifest.jsonl", "motorcycle_small_000.png", "motorcycle_small_001.png"],
                     Directory.GetFiles(output).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void A_depth_map_of_another_size_is_an_error_unless_resizing_is_asked_for()
    {
        string clear = Dir("clear"), depth = Dir("depth");
        File.Copy(Fixture.File("synthesis", "motorcycle_small.png"), Path.Combine(clear, "m.png"));
        Npy.WriteFloat32(Path.Combine(depth, "m.npy"), [10, 12], Enumerable.Range(0, 120).Select(i => (float)i).ToArray());
        var (code, _, err) = Cli(["synthesize", "--clear", clear, "--depth", depth, "-o", Path.Combine(root, "o1")]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--resize-depth", err);
        Assert.Equal(0, Cli(["synthesize", "--clear", clear, "--depth", depth, "-o", Path.Combine(root, "o2"), "--resize-depth"]).Code);
    }

    [Fact]
    public void Depth_priors_and_a_depth_model_replace_depth_maps()
    {
        string clear = Dir("clear");
        File.Copy(Fixture.File("synthesis", "desert.jpg"), Path.Combine(clear, "desert.jpg"));
        foreach (var prior in new[] { "outdoor", "constant", "smooth-random" })
        {
            string output = Path.Combine(root, prior);
            var (code, _, err) = Cli(["synthesize", "--clear", clear, "--depth-prior", prior, "-o", output, "--save-transmission"]);
            Assert.True(code == 0, err);
            var e = JsonDocument.Parse(File.ReadAllLines(Path.Combine(output, "manifest.jsonl"))[0]).RootElement;
            Assert.Equal("prior:" + prior, e.GetProperty("depth").GetString());
        }
        // constant depth 0.5 as depth: t = exp(-beta) everywhere
        var t = ImageFile.Read(Path.Combine(root, "constant", "desert_000_t.png"));
        double beta = JsonDocument.Parse(File.ReadAllLines(Path.Combine(root, "constant", "manifest.jsonl"))[0]).RootElement.GetProperty("beta").GetDouble();
        Assert.All(t.Data, v => Assert.Equal(Math.Exp(-beta), v, 0.5 / 255 + 1e-6));

        string model = Path.Combine(root, "tiny.onnx");
        File.WriteAllBytes(model, TinyOnnx.ReduceMeanOverChannels(null, null));
        var (mcode, _, merr) = Cli(["synthesize", "--clear", clear, "--depth-model", model, "--depth-input-size", "32x24", "-o", Path.Combine(root, "model")]);
        Assert.True(mcode == 0, merr);
    }

    [Fact]
    public void Usage_errors_give_one_line_and_exit_code_2()
    {
        var (clear, depth) = MotorcycleInputs();
        string output = Path.Combine(root, "out");
        foreach (var args in new[]
        {
            new[] { "synthesize", "--clear", clear, "--depth", depth, "--depth-prior", "outdoor", "-o", output },
            new[] { "synthesize", "--clear", clear, "--depth", depth, "-o", output, "--beta", "x" },
            new[] { "synthesize", "--clear", clear, "--depth", depth, "-o", output, "--jpeg-prob", "2" },
            new[] { "synthesize", "--clear", clear, "--depth-prior", "indoor", "-o", output },
            new[] { "synthesize", "--clear", clear, "--depth", depth, "-o", clear },
        })
        {
            var (code, _, err) = Cli(args);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", err);
        }
        Assert.False(Directory.Exists(output));
        var missing = Cli(["synthesize", "--clear", Path.Combine(root, "nope"), "--depth", depth, "-o", output]);
        Assert.Equal(ExitCodes.BadInput, missing.Code);
    }

    [Fact]
    public void The_benchmark_command_prints_samples_per_second()
    {
        var (code, outText, _) = Cli(["bench", "synthesize", "--width", "64", "--height", "48", "--samples", "4", "--threads", "1"]);
        Assert.Equal(0, code);
        Assert.Contains("samples/s", outText);
        Assert.Contains("stage jpeg", outText);
    }
}
