using System.CommandLine;
using System.Globalization;
using Ridcp.Synthesis;
using Spectre.Console;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp synthesize`: hazy training pairs from clear photos (Ridcp.Synthesis.SynthesisJob), and
/// `ridcp bench synthesize` (Ridcp.Synthesis.SynthesisBenchmark).</summary>
public static class SynthesizeCommand
{
    const string Description = """
        Synthesise hazy images from clear photos with RIDCP's degradation pipeline, in the official order:
        brightness J^gamma (p 0.5), Gaussian noise (p 0.5), haze I = J*t + A*(1-t), JPEG (p 0.5).
        t = exp(-2*beta*(1-d)) for inverse-depth maps (--depth-kind inverse, the official depth_500 format),
        t = exp(-2*beta*d) for depth maps; maps are scaled to [0,1] by their min and max first.
        Depth from exactly one of: --depth DIR (STEM.npy / STEM.png next to each photo's stem), --depth-model FILE.onnx
        (MiDaS / Depth Anything style, relative inverse depth), --depth-prior outdoor|constant|smooth-random.
        The outdoor prior: ground plane receding to an estimated horizon (distance ~ 1/(y - horizon)), sky (bright or
        blue, untextured, upper part) at the largest depth, edges following the photo through a guided filter;
        constant: the same depth everywhere; smooth-random: a random sum of four low-frequency cosine waves per sample.
        Writes STEM_NNN.png (+ STEM_NNN_t.png with --save-transmission) and manifest.jsonl (one JSON object per sample
        with its files and drawn parameters). Sample k (k = image index * per-image + n) uses the generator seeded with
        seed + k, so a seed reproduces every file byte for byte.
        """;

    static readonly Option<string> Clear = new("--clear") { Description = "Folder of clear photos", Required = true };
    static readonly Option<string?> Depth = new("--depth") { Description = "Folder of depth maps (.npy float32/float64/uint16, 8/16-bit .png)" };
    static readonly Option<string?> DepthModel = new("--depth-model") { Description = "Monocular depth network (.onnx), RGB in, relative inverse depth out" };
    static readonly Option<string?> DepthPriorOpt = new("--depth-prior") { Description = "Depth prior for photos without maps: outdoor, constant or smooth-random" };
    static readonly Option<string> Output = new("--output", "-o") { Description = "Output folder", Required = true };
    static readonly Option<int> PerImage = new("--per-image") { Description = "Hazy samples per photo", DefaultValueFactory = _ => 1 };
    static readonly Option<long> Seed = new("--seed") { Description = "Seed; sample k uses seed + k", DefaultValueFactory = _ => 0 };
    static readonly Option<string?> Beta = new("--beta") { Description = "beta range MIN,MAX (default 0.3,1.5)" };
    static readonly Option<string?> Airlight = new("--airlight") { Description = "Atmospheric light range MIN,MAX (default 0.25,1.0)" };
    static readonly Option<double?> ColorBias = new("--color-bias") { Description = "Per-channel airlight bias half-width B, dA ~ U[-B,B] (default 0.025)" };
    static readonly Option<double?> ColorProb = new("--color-prob") { Description = "Probability of the airlight colour bias (default 1)" };
    static readonly Option<double?> GammaProb = new("--gamma-prob") { Description = "Probability of the brightness stage (default 0.5)" };
    static readonly Option<string?> Gamma = new("--gamma") { Description = "gamma range MIN,MAX (default 1.5,3.0)" };
    static readonly Option<double?> NoiseProb = new("--noise-prob") { Description = "Probability of the noise stage (default 0.5)" };
    static readonly Option<string?> NoiseLevel = new("--noise-level") { Description = "Noise level range in 1/255 units MIN,MAX (default 2,25)" };
    static readonly Option<double?> JpegProb = new("--jpeg-prob") { Description = "Probability of the JPEG stage (default 0.5)" };
    static readonly Option<string?> JpegQuality = new("--jpeg-quality") { Description = "JPEG quality range MIN,MAX (default 30,95)" };
    static readonly Option<string?> Fixed = new("--fixed") { Description = "Fixed values instead of draws: beta=B,airlight=A (either or both)" };
    static readonly Option<string> DepthKindOpt = new("--depth-kind") { Description = "inverse (near is large; default) or depth (far is large), for --depth maps", DefaultValueFactory = _ => "inverse" };
    static readonly Option<bool> ResizeDepth = new("--resize-depth") { Description = "Resize depth maps whose size differs from the photo (else an error)" };
    static readonly Option<string?> DepthInputSize = new("--depth-input-size") { Description = "Depth model input size, N or WxH (default: the model's, else 384)" };
    static readonly Option<string?> DepthMean = new("--depth-mean") { Description = "Depth model input mean R,G,B (default 0.485,0.456,0.406)" };
    static readonly Option<string?> DepthStd = new("--depth-std") { Description = "Depth model input std R,G,B (default 0.229,0.224,0.225)" };
    static readonly Option<bool> SaveTransmission = new("--save-transmission") { Description = "Also write each sample's transmission map t (grey PNG)" };
    static readonly Option<string> Format = new("--format") { Description = "png (default, lossless) or jpg (quality 95)", DefaultValueFactory = _ => "png" };
    static readonly Option<int> Threads = new("--threads") { Description = "Parallel samples (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
    static readonly Option<bool> Verbose = CommonOptions.Verbose();

    public static Command Create()
    {
        var cmd = new Command("synthesize", "Make hazy training pairs from clear photos (RIDCP's degradation pipeline)").WithDetails(Description);
        foreach (var o in new Option[] { Clear, Depth, DepthModel, DepthPriorOpt, Output, PerImage, Seed, Beta, Airlight, ColorBias, ColorProb,
                                         GammaProb, Gamma, NoiseProb, NoiseLevel, JpegProb, JpegQuality, Fixed, DepthKindOpt, ResizeDepth,
                                         DepthInputSize, DepthMean, DepthStd, SaveTransmission, Format, Threads, Verbose })
            cmd.Options.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    static int Run(ParseResult r) => CliErrors.Run(r, r.GetValue(Verbose), () =>
    {
        var job = BuildOptions(r);
        job.Validate();
        SynthesisJobResult result;
        if (CommonOptions.IsInteractive(r))
        {
            result = null!;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("synthesising");
                var gate = new object();
                result = SynthesisJob.Run(job, (done, total) => { lock (gate) { task.MaxValue = total; task.Value = done; } });
            });
        }
        else result = SynthesisJob.Run(job);

        var err = r.InvocationConfiguration.Error;
        foreach (var f in result.Failures) err.WriteLine($"error: {f.Item}: {f.Message}");
        r.InvocationConfiguration.Output.WriteLine($"wrote {result.SamplesWritten} hazy image(s) from {result.Images} photo(s); manifest: {result.ManifestPath}");
        if (result.Failures.Count == 0) return ExitCodes.Ok;
        if (result.SamplesWritten > 0) return ExitCodes.PartialFailure;
        return result.Failures.All(f => f.OutputError) ? ExitCodes.OutputError : ExitCodes.BadInput;
    });

    internal static SynthesisJobOptions BuildOptions(ParseResult r)
    {
        var p = SynthesisOptions.Official;
        if (r.GetValue(Beta) is { } b) p = p with { Beta = ParseRange(b, "--beta") };
        if (r.GetValue(Airlight) is { } a) p = p with { Airlight = ParseRange(a, "--airlight") };
        if (r.GetValue(ColorBias) is { } cb) p = p with { ColorBias = cb };
        if (r.GetValue(ColorProb) is { } cp) p = p with { ColorProb = cp };
        if (r.GetValue(GammaProb) is { } gp) p = p with { GammaProb = gp };
        if (r.GetValue(Gamma) is { } g) p = p with { Gamma = ParseRange(g, "--gamma") };
        if (r.GetValue(NoiseProb) is { } np) p = p with { NoiseProb = np };
        if (r.GetValue(NoiseLevel) is { } nl) { var (lo, hi) = ParseIntRange(nl, "--noise-level"); p = p with { NoiseLevelMin = lo, NoiseLevelMax = hi }; }
        if (r.GetValue(JpegProb) is { } jp) p = p with { JpegProb = jp };
        if (r.GetValue(JpegQuality) is { } jq) { var (lo, hi) = ParseIntRange(jq, "--jpeg-quality"); p = p with { JpegQualityMin = lo, JpegQualityMax = hi }; }
        if (r.GetValue(Fixed) is { } fx) p = ParseFixed(fx, p);
        p = p with
        {
            DepthKind = r.GetValue(DepthKindOpt) switch
            {
                "inverse" => DepthKind.Inverse, "depth" => DepthKind.Depth,
                var k => throw new ArgumentException($"--depth-kind must be inverse or depth, got '{k}'"),
            },
        };

        var model = new MonocularDepthOptions();
        if (r.GetValue(DepthInputSize) is { } size)
        {
            var parts = size.ToLowerInvariant().Split('x');
            if (parts.Length is < 1 or > 2) throw new ArgumentException($"--depth-input-size must be N or WxH, got '{size}'");
            int w = ParsePositive(parts[0], "--depth-input-size"), h = parts.Length == 2 ? ParsePositive(parts[1], "--depth-input-size") : w;
            model = model with { InputWidth = w, InputHeight = h };
        }
        if (r.GetValue(DepthMean) is { } mean) model = model with { Mean = ParseTriple(mean, "--depth-mean") };
        if (r.GetValue(DepthStd) is { } std) model = model with { Std = ParseTriple(std, "--depth-std") };

        DepthPrior? prior = r.GetValue(DepthPriorOpt) switch
        {
            null => null, "outdoor" => DepthPrior.Outdoor, "constant" => DepthPrior.Constant, "smooth-random" => DepthPrior.SmoothRandom,
            var n => throw new ArgumentException($"--depth-prior must be outdoor, constant or smooth-random, got '{n}'"),
        };
        return new SynthesisJobOptions
        {
            ClearDir = r.GetValue(Clear)!, OutputDir = r.GetValue(Output)!, DepthDir = r.GetValue(Depth), DepthModel = r.GetValue(DepthModel),
            DepthPrior = prior, DepthModelOptions = model, ResizeDepth = r.GetValue(ResizeDepth), PerImage = r.GetValue(PerImage),
            Seed = r.GetValue(Seed), Pipeline = p, SaveTransmission = r.GetValue(SaveTransmission), Format = r.GetValue(Format)!,
            MaxParallelism = r.GetValue(Threads),
        };
    }

    static SynthesisOptions ParseFixed(string text, SynthesisOptions p)
    {
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2) throw new ArgumentException($"--fixed expects beta=B,airlight=A, got '{text}'");
            double v = ParseDouble(kv[1], "--fixed");
            p = kv[0] switch
            {
                "beta" => p with { FixedBeta = v },
                "airlight" or "A" => p with { FixedAirlight = v },
                _ => throw new ArgumentException($"--fixed knows beta and airlight, got '{kv[0]}'"),
            };
        }
        return p;
    }

    static Ridcp.Synthesis.Range ParseRange(string text, string name)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2) throw new ArgumentException($"{name} expects MIN,MAX, got '{text}'");
        double lo = ParseDouble(parts[0], name), hi = parts.Length == 2 ? ParseDouble(parts[1], name) : lo;
        if (lo > hi) throw new ArgumentException($"{name}: MIN {lo} is above MAX {hi}");
        return new(lo, hi);
    }

    static (int, int) ParseIntRange(string text, string name)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2) throw new ArgumentException($"{name} expects MIN,MAX, got '{text}'");
        int lo = ParseInt(parts[0], name), hi = parts.Length == 2 ? ParseInt(parts[1], name) : lo;
        return (lo, hi);
    }

    static float[] ParseTriple(string text, string name)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3) throw new ArgumentException($"{name} expects three values R,G,B, got '{text}'");
        return parts.Select(s => (float)ParseDouble(s, name)).ToArray();
    }

    static int ParsePositive(string s, string name) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ArgumentException($"{name}: '{s}' is not a positive integer");

    static double ParseDouble(string s, string name) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : throw new ArgumentException($"{name}: '{s}' is not a number");

    static int ParseInt(string s, string name) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"{name}: '{s}' is not an integer");

    /// <summary>`ridcp bench synthesize`.</summary>
    public static Command CreateBench()
    {
        var width = new Option<int>("--width") { Description = "Image width", DefaultValueFactory = _ => 1024 };
        var height = new Option<int>("--height") { Description = "Image height", DefaultValueFactory = _ => 768 };
        var samples = new Option<int>("--samples") { Description = "Samples to time", DefaultValueFactory = _ => 200 };
        var threads = new Option<int>("--threads") { Description = "Parallel samples (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = CommonOptions.Verbose();
        var photo = new Option<string?>("--photo") { Description = "A photo to use (resized to the size) instead of the built-in test image" };
        var cmd = new Command("synthesize", "Samples per second of the haze synthesis pipeline, every stage at its official probability");
        foreach (var o in new Option[] { width, height, samples, threads, photo, verbose }) cmd.Options.Add(o);
        cmd.SetAction(r => CliErrors.Run(r, r.GetValue(verbose), () =>
        {
            var f = SynthesisBenchmark.Run(r.GetValue(width), r.GetValue(height), r.GetValue(samples), r.GetValue(threads), r.GetValue(photo));
            var o = r.InvocationConfiguration.Output;
            o.WriteLine($"synthesis {f.Width}x{f.Height}, {f.Samples} samples, {f.Threads} thread(s), {Environment.ProcessorCount} core(s)");
            o.WriteLine($"  stages applied: gamma {f.GammaApplied}, noise {f.NoiseApplied}, jpeg {f.JpegApplied} of {f.Samples} (official p = 0.5 each)");
            o.WriteLine(FormattableString.Invariant($"  pipeline:            {f.PipelineSamplesPerSecond,8:F1} samples/s"));
            o.WriteLine(FormattableString.Invariant($"  pipeline + PNG:      {f.WithPngSamplesPerSecond,8:F1} samples/s"));
            o.WriteLine(FormattableString.Invariant($"  CPU per sample:      {f.CpuMsPerSample,8:F1} ms  -> {f.IdleMachineSamplesPerSecond:F1} samples/s on {Environment.ProcessorCount} idle core(s)"));
            foreach (var (stage, ms) in f.StageMs) o.WriteLine(FormattableString.Invariant($"  stage {stage,-17} {ms,7:F1} ms CPU (one thread)"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
