using System.Diagnostics;
using System.Globalization;
using Ridcp.Imaging;
using Ridcp.Inference;

namespace Ridcp.Matching;

/// <summary>`ridcp dehaze --alpha-sweep FROM:TO:STEP`: the α values, and where each output and the contact sheet
/// go (beside the requested output: NAME_alpha-20.png …, NAME_sweep.png).</summary>
public static class AlphaSweep
{
    const int MaxValues = 200;

    public static IReadOnlyList<double> Parse(string spec)
    {
        var parts = spec.Split(':');
        var inv = CultureInfo.InvariantCulture;
        if (parts.Length != 3
            || !double.TryParse(parts[0], NumberStyles.Float, inv, out double from)
            || !double.TryParse(parts[1], NumberStyles.Float, inv, out double to)
            || !double.TryParse(parts[2], NumberStyles.Float, inv, out double step))
            throw new ArgumentException($"alpha sweep must be FROM:TO:STEP, got '{spec}'");
        if (!double.IsFinite(from) || !double.IsFinite(to) || !(step > 0) || to < from)
            throw new ArgumentException($"alpha sweep needs FROM <= TO and STEP > 0, got '{spec}'");
        double limit = Models.VQWeightDehazeNetOptions.MaxAbsAlpha;
        if (Math.Abs(from) > limit || Math.Abs(to) > limit)
            throw new ArgumentException($"alpha sweep must stay within [-{limit}, {limit}], got '{spec}'");
        double count = Math.Floor((to - from) / step + 1e-9) + 1;
        if (count > MaxValues) throw new ArgumentException($"alpha sweep of {count} values; at most {MaxValues}");
        int n = (int)count;
        var values = Enumerable.Range(0, n).Select(i => Math.Round(from + i * step, Decimals)).Distinct().ToList();
        if (values.Count < n)
            throw new ArgumentException($"alpha sweep step {step} is below the {Decimals}-decimal resolution of the output names; use a larger step");
        return values;
    }

    /// <summary>Decimals kept in α values and in the output names, so that distinct values get distinct files.</summary>
    const int Decimals = 6;
    const string LabelFormat = "0.######";

    public static string Label(double alpha) => "alpha " + alpha.ToString(LabelFormat, CultureInfo.InvariantCulture);

    public static string OutputFor(string output, double alpha) =>
        WithSuffix(output, "_alpha" + alpha.ToString(LabelFormat, CultureInfo.InvariantCulture));

    /// <summary>Every file a sweep over <paramref name="items"/> writes, refused as a whole when one of them is an
    /// input of the batch (a derived name such as <c>t_alpha0.png</c> can be an input's name) or when two outputs
    /// share one name, since the later would silently replace the earlier.</summary>
    /// <exception cref="ArgumentException">names the colliding output</exception>
    public static void CheckOutputs(IReadOnlyList<DehazeItem> items, IReadOnlyList<double> alphas)
    {
        var inputs = new HashSet<string>(items.Select(i => Path.GetFullPath(i.Input)), PathComparer);
        var outputs = new Dictionary<string, string>(PathComparer);
        foreach (var item in items)
        {
            foreach (var path in alphas.Select(a => OutputFor(item.Output, a)).Append(SheetFor(item.Output)))
            {
                string full = Path.GetFullPath(path);
                if (inputs.Contains(full)) throw new ArgumentException($"sweep output '{path}' is an input; refusing to overwrite an input (choose another -o)");
                if (!outputs.TryAdd(full, item.Input))
                    throw new ArgumentException($"sweep outputs collide: '{path}' would be written twice (for {Path.GetFileName(outputs[full])} and {Path.GetFileName(item.Input)})");
            }
        }
    }

    static StringComparer PathComparer => OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    public static string SheetFor(string output) => WithSuffix(output, "_sweep");

    static string WithSuffix(string path, string suffix) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + suffix + Path.GetExtension(path));

    /// <summary>Dehazes every item at every α, writes each result beside the item's output and the contact sheet at
    /// <see cref="SheetFor"/>, calling <paramref name="onAlphaDone"/> (index, α) after each α; the results report the sheet as the item's output. A failing item is recorded and the
    /// others go on (as DehazeRun does).</summary>
    public static IReadOnlyList<DehazeItemResult> Run(Dehazer dehazer, IReadOnlyList<DehazeItem> items, IReadOnlyList<double> alphas,
        Action<DehazeItemResult>? onItemDone = null, Action<int, double>? onAlphaDone = null, long maxPixels = ImageFile.MaxPixels)
    {
        CheckOutputs(items, alphas);
        var results = new List<DehazeItemResult>(items.Count);
        foreach (var item in items)
        {
            var clock = Stopwatch.StartNew();
            var sheetItem = item with { Output = SheetFor(item.Output) };
            Exception? error = null;
            try
            {
                var image = ImageFile.Read(item.Input, maxPixels);
                var tiles = new List<(RgbImage, string)> { (image, "input") };
                for (int i = 0; i < alphas.Count; i++)
                {
                    double a = alphas[i];
                    var result = dehazer.Dehaze(image, (float)a);
                    ImageFile.Write(result, OutputFor(item.Output, a));
                    tiles.Add((result, Label(a)));
                    onAlphaDone?.Invoke(i, a);
                }
                ImageFile.Write(ContactSheet.Compose(tiles), sheetItem.Output);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = e;
            }
            var r = new DehazeItemResult(sheetItem, error, clock.Elapsed);
            results.Add(r);
            onItemDone?.Invoke(r);
        }
        return results;
    }
}
