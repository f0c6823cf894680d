using Ridcp.Imaging;
using Ridcp.Metrics;

namespace Ridcp.Evaluation;

/// <summary>`ridcp eval`'s service: scores every image of a prediction folder, pairing reference and input images by
/// file name (same name, or same stem with another image extension). A file that cannot be read, a missing pair or a
/// metric that fails is recorded as a problem and the evaluation goes on.</summary>
public static class Evaluator
{
    /// <param name="progress">Called after each image with (done, total, file name).</param>
    public static EvalReport Run(EvalOptions options, Action<int, int, string>? progress = null)
    {
        options.Validate();
        var files = ImageFiles(options.PredictionDir);
        var refs = options.ReferenceDir is null ? null : new Pairing(options.ReferenceDir);
        var inputs = options.InputDir is null ? null : new Pairing(options.InputDir);
        var images = new List<ImageScores>();
        var problems = new List<EvalProblem>();
        for (int k = 0; k < files.Count; k++)
        {
            var file = files[k];
            var name = Path.GetFileName(file);
            var scored = ScoreOne(options, file, name, refs, inputs, problems);
            if (scored is not null) images.Add(scored);
            progress?.Invoke(k + 1, files.Count, name);
        }
        var summary = options.Metrics.Select(m =>
        {
            var p = MetricSummary.Of(images.Select(i => i.Prediction[m.Column]));
            var q = MetricSummary.Of(images.Where(i => i.Input is not null).Select(i => i.Input![m.Column]));
            return new MetricSummary(m.Column, p.Count, p.Mean, p.Median, q.Count, q.Mean, q.Median);
        }).ToList();
        return new EvalReport(options.Metrics, images, summary, problems, inputs is not null, refs is not null);
    }

    static ImageScores? ScoreOne(EvalOptions o, string file, string name, Pairing? refs, Pairing? inputs, List<EvalProblem> problems)
    {
        var pred = TryRead(file, name, problems);
        if (pred is null) return null;
        RgbImage? reference = null, input = null;
        string? refFile = null, inputFile = null;
        if (refs is not null)
        {
            refFile = refs.Find(name);
            if (refFile is null) problems.Add(new EvalProblem(name, "missing-reference", $"no reference image named like {name} in {o.ReferenceDir}"));
            else reference = TryRead(refFile, Path.GetFileName(refFile), problems);
        }
        if (inputs is not null)
        {
            inputFile = inputs.Find(name);
            if (inputFile is null) problems.Add(new EvalProblem(name, "missing-input", $"no input image named like {name} in {o.InputDir}"));
            else input = TryRead(inputFile, Path.GetFileName(inputFile), problems);
        }
        var predScores = Score(o.Metrics, pred, reference, name, "", problems);
        var inputScores = input is null ? (inputs is null ? null : o.Metrics.ToDictionary(m => m.Column, _ => double.NaN))
                                        : Score(o.Metrics, input, reference, name, "input ", problems);
        var result = new ImageScores(name, predScores, inputScores, refFile is null ? null : Path.GetFileName(refFile),
                                     inputFile is null ? null : Path.GetFileName(inputFile));
        if (!o.Html) return result;
        return result with
        {
            PredictionThumbnail = Thumbnail.JpegDataUri(pred, o.ThumbnailSide),
            InputThumbnail = input is null ? null : Thumbnail.JpegDataUri(input, o.ThumbnailSide),
            ReferenceThumbnail = reference is null ? null : Thumbnail.JpegDataUri(reference, o.ThumbnailSide),
        };
    }

    static Dictionary<string, double> Score(IReadOnlyList<Metric> metrics, RgbImage image, RgbImage? reference, string name,
                                            string what, List<EvalProblem> problems)
    {
        var scores = new Dictionary<string, double>();
        foreach (var m in metrics)
        {
            double v = double.NaN;
            if (!m.NeedsReference || reference is not null)
            {
                try
                {
                    v = m.Compute(image, reference);
                    if (double.IsNaN(v)) problems.Add(new EvalProblem(name, "metric-error", $"{what}{m.Column}: undefined for this image (NaN)"));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Expected: ArgumentException (too small, size mismatch). Anything else is recorded the same way so
                    // that one image cannot stop the batch.
                    var kind = e is ArgumentException or InvalidDataException ? "" : $" ({e.GetType().Name})";
                    problems.Add(new EvalProblem(name, "metric-error", $"{what}{m.Column}: {e.Message}{kind}"));
                }
            }
            scores[m.Column] = v;
        }
        return scores;
    }

    static RgbImage? TryRead(string path, string name, List<EvalProblem> problems)
    {
        try { return ImageFile.Read(path); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add(new EvalProblem(name, "unreadable", e.Message));
            return null;
        }
    }

    /// <summary>Image files of a folder (by extension), sorted by name (ordinal).</summary>
    public static IReadOnlyList<string> ImageFiles(string dir) =>
        Directory.EnumerateFiles(dir).Where(ImageFile.IsImagePath).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();

    /// <summary>Finds the partner of a prediction in another folder: same file name, else same stem with an image
    /// extension (first by name), so that pred/x.png pairs with ref/x.jpg.</summary>
    sealed class Pairing(string dir)
    {
        readonly IReadOnlyList<string> _files = ImageFiles(dir);

        public string? Find(string name)
        {
            var exact = _files.FirstOrDefault(f => Path.GetFileName(f) == name);
            if (exact is not null) return exact;
            var stem = Path.GetFileNameWithoutExtension(name);
            return _files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == stem);
        }
    }
}
