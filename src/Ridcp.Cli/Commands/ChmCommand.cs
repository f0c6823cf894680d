using System.CommandLine;
using System.Globalization;
using Ridcp.Inference;
using Ridcp.Matching;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp chm ...`: controllable HQP matching by the authors' recipe — code statistics, the CHM weight,
/// the recommended α (KL between code frequencies), and a benchmark of the α search.</summary>
public static class ChmCommand
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var cmd = new Command("chm", "Controllable HQP matching: code statistics, CHM weight, recommended alpha");
        cmd.Subcommands.Add(Stats());
        cmd.Subcommands.Add(Weight());
        cmd.Subcommands.Add(Alpha());
        cmd.Subcommands.Add(Bench());
        return cmd;
    }

    static Option<bool> Verbose() => CommonOptions.Verbose();

    static Option<int> MaxSizeOption() => new("--max-size")
    { Description = "Images with h*w >= max-size^2 are processed at half size (the official rule; ridcp dehaze applies it only when given --max-size)", DefaultValueFactory = _ => MaxSizeRule.OfficialMaxSize };

    static Command Stats()
    {
        var weights = new Option<string>("--weights") { Description = "Network checkpoint: the HQ VQGAN (--stage hq) or the dehazer (--stage lq)", Required = true };
        var images = new Option<string>("--images") { Description = "Folder of images (clear for hq, real hazy for lq)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Statistics file to write (JSON)", Required = true };
        var stage = new Option<string>("--stage") { Description = "hq: clear images through the VQGAN (p1); lq: hazy images through the dehazer, nearest matching (p2)", DefaultValueFactory = _ => "hq" };
        stage.AcceptOnlyFromAmong("hq", "lq");
        var maxSize = MaxSizeOption();
        var device = CommonOptions.Device();
        var verbose = Verbose();
        var cmd = new Command("stats", "Count how often each code is chosen over a folder of images") { weights, images, output, stage, maxSize, device, verbose };
        cmd.SetAction(parse => CliErrors.Run(parse, parse.GetValue(verbose), () =>
        {
            var o = parse.InvocationConfiguration.Output;
            var files = ImageFolder.List(parse.GetValue(images)!);
            string outPath = parse.GetValue(output)!;
            CheckNotAnInput(outPath, [parse.GetValue(weights)!, .. files]);
            using var net = ChmNetwork.Load(parse.GetValue(weights)!, parse.GetValue(stage)!, parse.GetValue(maxSize), parse.GetValue(device)!);
            if (parse.GetValue(verbose)) foreach (var note in net.LoadNotes) o.WriteLine(note);
            var failed = new List<string>();
            var stats = FolderPass.CollectStatistics(files, net.Features, net.Codebook, parse.GetValue(stage)!,
                (file, e) => { failed.Add(file); CliErrors.Report(parse, e, parse.GetValue(verbose), Path.GetFileName(file)); });
            if (stats.Images == 0) throw new InvalidDataException($"none of the {files.Count} images could be processed");
            CliErrors.Writing(() => stats.Save(outPath));
            int used = 0;
            foreach (long c in stats.Counts) if (c > 0) used++;
            o.WriteLine($"{outPath}: {stats.Images} images, {stats.Tokens} tokens, {used} of {stats.CodebookSize} codes used");
            return PartialResult(parse, failed, files.Count);
        }));
        return cmd;
    }

    static Command Alpha()
    {
        var weights = new Option<string>("--weights") { Description = "Dehazer checkpoint (LQ stage)", Required = true };
        var chmWeight = new Option<string>("--chm-weight") { Description = "CHM weight file (chm weight, or the official .pth)", Required = true };
        var clearStats = new Option<string>("--clear-stats") { Description = "Code statistics of clear images (p1, chm stats --stage hq)", Required = true };
        var images = new Option<string>("--images") { Description = "Folder of real hazy images", Required = true };
        var plots = new Option<string?>("--plots") { Description = "Folder for PNG plots: KL(alpha) and the code histograms" };
        var range = RangeOption();
        var step = GridStepOption();
        var maxSize = MaxSizeOption();
        var device = CommonOptions.Device();
        var verbose = Verbose();
        var cmd = new Command("alpha", "Recommend the CHM alpha: argmin KL(p1 || p_hazy(alpha)); the last line is 'alpha: VALUE'")
            { weights, chmWeight, clearStats, images, plots, range, step, maxSize, device, verbose };
        cmd.SetAction(parse => CliErrors.Run(parse, parse.GetValue(verbose), () =>
        {
            var o = parse.InvocationConfiguration.Output;
            var options = SearchOptions(parse.GetValue(range), parse.GetValue(step));
            var files = ImageFolder.List(parse.GetValue(images)!);
            var p1Stats = CodeStatistics.Load(parse.GetValue(clearStats)!);
            if (p1Stats.Tokens == 0) throw new InvalidDataException($"{parse.GetValue(clearStats)} counts no tokens");
            var weight = ChmWeight.Load(parse.GetValue(chmWeight)!);
            using var net = ChmNetwork.Load(parse.GetValue(weights)!, "lq", parse.GetValue(maxSize), parse.GetValue(device)!);
            if (parse.GetValue(verbose)) foreach (var note in net.LoadNotes) o.WriteLine(note);
            int codes = (int)net.Codebook.shape[0];
            if (weight.CodebookSize != codes || p1Stats.CodebookSize != codes)
                throw new InvalidDataException($"the network has {codes} codes, the CHM weight {weight.CodebookSize}, the clear statistics {p1Stats.CodebookSize}");

            var failed = new List<string>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var w = weight.ToTensor();
            using var cache = FolderPass.CacheMatching(files, net.Features, net.Codebook, w, options.Min, options.Max,
                (file, e) => { failed.Add(file); CliErrors.Report(parse, e, parse.GetValue(verbose), Path.GetFileName(file)); });
            if (cache.Images == 0) throw new InvalidDataException($"none of the {files.Count} images could be processed");
            double cacheSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var p1 = p1Stats.Frequencies();
            var result = AlphaRecommendation.ForSet(cache, p1, options);
            double searchSeconds = clock.Elapsed.TotalSeconds;
            var exact = ExactMinimum.Find(cache, p1);

            o.WriteLine($"# {cache.Images} hazy images, {cache.Tokens} tokens; features and matching cached in {cacheSeconds.ToString("0.0", Inv)} s, search {searchSeconds.ToString("0.00", Inv)} s ({result.Evaluations} evaluations)");
            o.WriteLine($"# KL(p1 || p_hazy(alpha)) in nats, empty bins floored at {KlDivergence.Epsilon.ToString(Inv)}");
            o.WriteLine("# alpha kl");
            foreach (var (a, kl) in result.Curve) o.WriteLine($"{a.ToString("0.####", Inv)} {kl.ToString("G8", Inv)}");
            o.WriteLine($"# KL at alpha 0: {result.KlAtZero.ToString("G6", Inv)}; minimum {result.Kl.ToString("G6", Inv)} on the plateau {result.PlateauLow.ToString("0.##", Inv)} .. {result.PlateauHigh.ToString("0.##", Inv)}");
            o.WriteLine($"# exact sweep over all {exact.Switches} switching points: minimum {exact.Kl.ToString("G6", Inv)} on {exact.Low.ToString("0.####", Inv)} .. {exact.High.ToString("0.####", Inv)}");
            var (chosen, low, high) = (result.Alpha, result.PlateauLow, result.PlateauHigh);
            if (exact.Kl < result.Kl - 1e-12 * Math.Abs(result.Kl))
            {
                (chosen, low, high) = (exact.Alpha, exact.Low, exact.High);
                o.WriteLine($"# the grid and golden-section search missed that narrower plateau; using the sweep's {chosen.ToString("0.####", Inv)}");
            }
            if (parse.GetValue(plots) is string dir)
            {
                string klPlot = Path.Combine(dir, "chm_kl_curve.png"), histPlot = Path.Combine(dir, "chm_histograms.png");
                CliErrors.Writing(() => ChmPlots.WriteKlCurve(klPlot, result, (chosen, low, high)));
                double[] atZero = CodeStatistics.ToFrequencies(cache.Counts(Math.Clamp(0, options.Min, options.Max)));
                CliErrors.Writing(() => ChmPlots.WriteHistograms(histPlot, p1, atZero, CodeStatistics.ToFrequencies(cache.Counts(chosen)), chosen));
                o.WriteLine($"# plots: {klPlot}, {histPlot}");
            }
            o.WriteLine($"alpha: {chosen.ToString("0.####", Inv)}");
            return PartialResult(parse, failed, files.Count);
        }));
        return cmd;
    }

    /// <summary>Exit 1 when some images of the folder failed (the result was still written from the others).</summary>
    static int PartialResult(ParseResult parse, List<string> failed, int total)
    {
        if (failed.Count == 0) return ExitCodes.Ok;
        parse.InvocationConfiguration.Error.WriteLine($"error: {failed.Count} of {total} images failed: {string.Join(", ", failed.Select(Path.GetFileName))}");
        return ExitCodes.PartialFailure;
    }

    static Command Weight()
    {
        var clear = new Option<string>("--clear") { Description = "Code statistics of clear images (chm stats --stage hq)", Required = true };
        var hazy = new Option<string>("--hazy") { Description = "Code statistics of hazy images (chm stats --stage lq)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "CHM weight file to write (bare float tensor, PyTorch format); p1 goes beside it as NAME.p1.json", Required = true };
        var signed = new Option<bool>("--signed") { Description = "Write the signed p1 - p2 instead of the official |p1 - p2|" };
        var verbose = Verbose();
        var cmd = new Command("weight", "Build the CHM weight |p1 - p2| from clear and hazy code statistics") { clear, hazy, output, signed, verbose };
        cmd.SetAction(parse => CliErrors.Run(parse, parse.GetValue(verbose), () =>
        {
            var p1 = CodeStatistics.Load(parse.GetValue(clear)!);
            var p2 = CodeStatistics.Load(parse.GetValue(hazy)!);
            if (p1.CodebookSize != p2.CodebookSize)
                throw new InvalidDataException($"the clear statistics count {p1.CodebookSize} codes, the hazy ones {p2.CodebookSize}");
            var weight = ChmWeight.FromStatistics(p1, p2, parse.GetValue(signed));
            string path = parse.GetValue(output)!;
            CheckNotAnInput(path, parse.GetValue(clear)!, parse.GetValue(hazy)!);
            CliErrors.Writing(() => weight.Save(path));
            string p1Path = ChmWeight.ClearStatisticsPath(path);
            CliErrors.Writing(() => p1.Save(p1Path));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"weight: {path} ({weight.CodebookSize} codes, {(parse.GetValue(signed) ? "signed p1 - p2" : "|p1 - p2|")}, max {weight.Values.Max().ToString("G4", Inv)}, min {weight.Values.Min().ToString("G4", Inv)})");
            o.WriteLine($"p1: {p1Path}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    static Command Bench()
    {
        var images = new Option<int>("--images") { Description = "Number of synthetic images", DefaultValueFactory = _ => 200 };
        var height = new Option<int>("--height") { Description = "Token rows per image", DefaultValueFactory = _ => 24 };
        var width = new Option<int>("--width") { Description = "Token columns per image", DefaultValueFactory = _ => 32 };
        var codes = new Option<int>("--codes") { Description = "Codebook size", DefaultValueFactory = _ => 1024 };
        var dim = new Option<int>("--dim") { Description = "Code dimension", DefaultValueFactory = _ => 512 };
        var range = RangeOption();
        var step = GridStepOption();
        var plots = new Option<string?>("--plots") { Description = "Folder for the PNG plots of the synthetic search" };
        var verbose = Verbose();
        var cmd = new Command("bench", "Time the alpha search on synthetic cached features (no network)") { images, height, width, codes, dim, range, step, plots, verbose };
        cmd.SetAction(parse => CliErrors.Run(parse, parse.GetValue(verbose), () =>
        {
            int n = parse.GetValue(images), h = parse.GetValue(height), w = parse.GetValue(width), k = parse.GetValue(codes), d = parse.GetValue(dim);
            if (n < 1 || h < 1 || w < 1 || k < 2 || d < 1) throw new ArgumentException("images, height, width, dim must be >= 1 and codes >= 2");
            var options = SearchOptions(parse.GetValue(range), parse.GetValue(step));
            var f = AlphaSearchBenchmark.Run(n, h * w, k, d, options);
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"cached tokens: {f.Tokens} ({f.Images} images of {h}x{w}), codebook {f.Codes}x{d}, {f.Segments} envelope segments");
            o.WriteLine($"cache build (distances + envelopes): {f.CacheSeconds:F2} s");
            o.WriteLine($"one alpha (counts over all tokens): {f.SecondsPerAlpha * 1000:F1} ms");
            o.WriteLine($"search: {f.Evaluations} evaluations in {f.SearchSeconds:F2} s (grid step {options.GridStep.ToString(Inv)} over {options.Min.ToString(Inv)}:{options.Max.ToString(Inv)}, tolerance {options.Tolerance.ToString(Inv)})");
            o.WriteLine($"KL at alpha 0: {f.KlAtZero.ToString("G6", Inv)}, at the optimum: {f.Kl.ToString("G6", Inv)}");
            o.WriteLine($"exact sweep: {f.Exact!.Switches} switching points in {f.ExactSeconds:F2} s, minimum {f.Exact.Kl.ToString("G6", Inv)} on {f.Exact.Low.ToString("0.####", Inv)} .. {f.Exact.High.ToString("0.####", Inv)}");
            if (parse.GetValue(plots) is string dir)
            {
                CliErrors.Writing(() => ChmPlots.WriteKlCurve(Path.Combine(dir, "chm_kl_curve.png"), f.Search!));
                CliErrors.Writing(() => ChmPlots.WriteHistograms(Path.Combine(dir, "chm_histograms.png"), f.P1!, f.P2AtZero!, f.P2AtAlpha!, f.Alpha));
            }
            o.WriteLine($"alpha: {f.Alpha.ToString("0.##", Inv)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    internal static Option<string> RangeOption() =>
        new("--alpha-range") { Description = "Alpha search range MIN:MAX", DefaultValueFactory = _ => "-60:60" };

    internal static Option<double> GridStepOption() =>
        new("--grid-step") { Description = "Spacing of the coarse alpha scan before the golden-section search", DefaultValueFactory = _ => 1.0 };

    /// <summary>Parses MIN:MAX (invariant culture) into search options.</summary>
    internal static AlphaSearchOptions SearchOptions(string? range, double gridStep)
    {
        var parts = (range ?? "").Split(':');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, Inv, out double min) || !double.TryParse(parts[1], NumberStyles.Float, Inv, out double max))
            throw new ArgumentException($"alpha range must be MIN:MAX, got '{range}'");
        var options = new AlphaSearchOptions { Min = min, Max = max, GridStep = gridStep };
        options.Validate();
        return options;
    }

    static void CheckNotAnInput(string output, params string[] inputs)
    {
        string full = Path.GetFullPath(output);
        foreach (string i in inputs)
            if (string.Equals(Path.GetFullPath(i), full, StringComparison.Ordinal))
                throw new ArgumentException($"output {output} would overwrite an input");
    }
}
