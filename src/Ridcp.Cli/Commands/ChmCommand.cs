using System.CommandLine;
using System.Globalization;
using Ridcp.Checkpoints;
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
        cmd.Subcommands.Add(Weight());
        cmd.Subcommands.Add(Bench());
        return cmd;
    }

    static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Print details, and the stack trace on errors" };

    static Command Weight()
    {
        var clear = new Option<string>("--clear") { Description = "Code statistics of clear images (chm stats --stage hq)", Required = true };
        var hazy = new Option<string>("--hazy") { Description = "Code statistics of hazy images (chm stats --stage lq)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "CHM weight file to write (bare float tensor, PyTorch format); p1 goes beside it as NAME.p1.json", Required = true };
        var signed = new Option<bool>("--signed") { Description = "Write the signed p1 - p2 instead of the official |p1 - p2|" };
        var verbose = Verbose();
        var cmd = new Command("weight", "Build the CHM weight |p1 - p2| from clear and hazy code statistics") { clear, hazy, output, signed, verbose };
        cmd.SetAction(parse => Guard(parse, parse.GetValue(verbose), () =>
        {
            var p1 = CodeStatistics.Load(parse.GetValue(clear)!);
            var p2 = CodeStatistics.Load(parse.GetValue(hazy)!);
            var weight = ChmWeight.FromStatistics(p1, p2, parse.GetValue(signed));
            string path = parse.GetValue(output)!;
            CheckNotAnInput(path, parse.GetValue(clear)!, parse.GetValue(hazy)!);
            Write(() => weight.Save(path));
            string p1Path = ChmWeight.ClearStatisticsPath(path);
            Write(() => p1.Save(p1Path));
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
        var verbose = Verbose();
        var cmd = new Command("bench", "Time the alpha search on synthetic cached features (no network)") { images, height, width, codes, dim, range, step, verbose };
        cmd.SetAction(parse => Guard(parse, parse.GetValue(verbose), () =>
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

    /// <summary>Runs a write and marks its IO failures as output errors (exit 4), not input errors.</summary>
    static void Write(Action write)
    {
        try { write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new OutputException(e.Message, e); }
    }

    sealed class OutputException(string message, Exception inner) : Exception(message, inner);

    /// <summary>One error line on stderr (stack trace with --verbose) and the exit code of the failure's kind.</summary>
    static int Guard(ParseResult parse, bool verbose, Func<int> body)
    {
        try { return body(); }
        catch (Exception e)
        {
            int code = e switch
            {
                OutputException => ExitCodes.OutputError,
                ArgumentException => ExitCodes.Usage,
                FileNotFoundException or DirectoryNotFoundException or InvalidDataException or CheckpointFormatException
                    or IOException or UnauthorizedAccessException => ExitCodes.BadInput,
                _ => ExitCodes.Internal,
            };
            var err = parse.InvocationConfiguration.Error;
            err.WriteLine($"error: {e.Message}");
            if (verbose) err.WriteLine(e.ToString());
            return code;
        }
    }
}
