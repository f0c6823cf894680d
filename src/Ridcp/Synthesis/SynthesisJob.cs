using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Ridcp.Core;
using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>The service behind `ridcp synthesize`: every photo of a folder × N samples, in parallel over samples
/// (per-sample generators keep the output independent of the thread schedule), hazy images (+ transmission maps)
/// and manifest.jsonl written atomically. Unreadable photos and missing depth maps are reported and skipped.</summary>
public static class SynthesisJob
{
    /// <summary>Seeds the generator of the smooth-random prior of a sample, kept apart from its parameter stream.</summary>
    const ulong PriorStream = 0xD1B54A32D192ED03UL;

    sealed class Source(string clearPath)
    {
        public string ClearPath { get; } = clearPath;
        public string DepthLabel = "";
        public RgbImage? Clear;
        public float[]? Depth; // normalised; null for the smooth-random prior
        public int Remaining;
        public Exception? Error;
        public bool Loaded;
        public readonly object Gate = new();
    }

    public static SynthesisJobResult Run(SynthesisJobOptions o, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        o.Validate();
        if (!Directory.Exists(o.ClearDir)) throw new DirectoryNotFoundException($"clear image folder not found: {o.ClearDir}");
        if (o.DepthDir is not null && !Directory.Exists(o.DepthDir)) throw new DirectoryNotFoundException($"depth folder not found: {o.DepthDir}");
        string outFull = Path.GetFullPath(o.OutputDir);
        if (SameDir(outFull, o.ClearDir) || (o.DepthDir is not null && SameDir(outFull, o.DepthDir)))
            throw new ArgumentException("the output folder must differ from the input folders (inputs are never overwritten)");

        var clearFiles = Directory.EnumerateFiles(o.ClearDir).Where(ImageFile.IsImagePath).Order(StringComparer.Ordinal).ToArray();
        var sources = clearFiles.Select(p => new Source(p) { Remaining = o.PerImage }).ToArray();
        using var model = o.DepthModel is null ? null : new MonocularDepthEstimator(o.DepthModel, o.DepthModelOptions);
        Directory.CreateDirectory(outFull);

        int total = sources.Length * o.PerImage, done = 0;
        var entries = new ManifestEntry?[total];
        var failures = new ConcurrentBag<(long Order, SynthesisFailure Failure)>();
        string ext = o.Format == "jpg" ? ".jpg" : ".png";

        Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = o.MaxParallelism, CancellationToken = cancel }, k =>
        {
            var src = sources[k / o.PerImage];
            int r = k % o.PerImage;
            try
            {
                if (!Load(src, o, model, out var clear, out var depth))
                {
                    if (r == 0) failures.Add((k, new SynthesisFailure(Path.GetFileName(src.ClearPath), Message(src.Error!))));
                    return;
                }
                var rng = SynthesisRng.ForSample(o.Seed, k);
                depth ??= DepthPriors.Make(DepthPrior.SmoothRandom, clear, new SynthesisRng(unchecked((ulong)(o.Seed + k)) ^ PriorStream));
                var result = HazeSynthesizer.Synthesize(clear, depth, PipelineFor(o), rng);
                string stem = Path.GetFileNameWithoutExtension(src.ClearPath);
                string file = $"{stem}_{r:D3}{ext}";
                string? tFile = o.SaveTransmission ? $"{stem}_{r:D3}_t.png" : null;
                try
                {
                    ImageFile.Write(result.Hazy, Path.Combine(outFull, file), SynthesisJobOptions.OutputJpegQuality);
                    if (tFile is not null) ImageFile.Write(Grey(result.Transmission, clear.Width, clear.Height), Path.Combine(outFull, tFile));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failures.Add((k, new SynthesisFailure(file, e.Message, OutputError: true)));
                    return;
                }
                entries[k] = new ManifestEntry(file, Path.GetFileName(src.ClearPath), src.DepthLabel, o.Seed + k, k, result.Parameters, tFile);
            }
            finally
            {
                Release(src);
                progress?.Invoke(Interlocked.Increment(ref done), total);
            }
        });

        string manifest = Path.Combine(outFull, "manifest.jsonl");
        WriteManifest(manifest, entries);
        var sorted = failures.OrderBy(f => f.Order).Select(f => f.Failure).ToList();
        return new SynthesisJobResult(sources.Length, entries.Count(e => e is not null), sorted, manifest);
    }

    /// <summary>Depth maps from a model or a prior are depth/inverse depth by construction, whatever --depth-kind says.</summary>
    static SynthesisOptions PipelineFor(SynthesisJobOptions o) =>
        o.DepthPrior is not null ? o.Pipeline with { DepthKind = DepthKind.Depth }
        : o.DepthModel is not null ? o.Pipeline with { DepthKind = DepthKind.Inverse }
        : o.Pipeline;

    static bool Load(Source src, SynthesisJobOptions o, MonocularDepthEstimator? model, out RgbImage clear, out float[]? depth)
    {
        lock (src.Gate)
        {
            if (!src.Loaded)
            {
                src.Loaded = true;
                try
                {
                    src.Clear = ImageFile.Read(src.ClearPath);
                    (src.Depth, src.DepthLabel) = LoadDepth(src.ClearPath, src.Clear, o, model);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
                                          or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
                {
                    src.Error = e; src.Clear = null; src.Depth = null;
                }
            }
            clear = src.Clear!;
            depth = src.Depth;
            return src.Error is null;
        }
    }

    static void Release(Source src)
    {
        lock (src.Gate)
        {
            if (--src.Remaining == 0) { src.Clear = null; src.Depth = null; } // memory stays flat over a folder
        }
    }

    internal static (float[]? Depth, string Label) LoadDepth(string clearPath, RgbImage clear, SynthesisJobOptions o, MonocularDepthEstimator? model)
    {
        if (o.DepthPrior is { } prior)
            return (DepthPriors.IsDeterministic(prior) ? DepthPriors.Make(prior, clear, new SynthesisRng(0)) : null, "prior:" + PriorName(prior));
        if (model is not null)
            return (model.Estimate(clear).Normalised(DepthKind.Inverse), "model:" + Path.GetFileName(o.DepthModel));
        string path = FindDepth(o.DepthDir!, clearPath);
        var map = DepthMapFile.Read(path);
        if (map.Width != clear.Width || map.Height != clear.Height)
        {
            if (!o.ResizeDepth)
                throw new InvalidDataException($"depth map {Path.GetFileName(path)} is {map.Width}x{map.Height}, the image {clear.Width}x{clear.Height} (use --resize-depth)");
            map = map.Resize(clear.Width, clear.Height, o.Pipeline.DepthKind);
        }
        return (map.Normalised(o.Pipeline.DepthKind), Path.GetFileName(path));
    }

    public static string PriorName(DepthPrior p) => p switch
    {
        DepthPrior.Outdoor => "outdoor", DepthPrior.Constant => "constant", _ => "smooth-random",
    };

    /// <summary>The depth map of a photo: STEM.npy or STEM.png, else the single STEM.*.npy / STEM.*.png.</summary>
    public static string FindDepth(string depthDir, string clearPath)
    {
        string stem = Path.GetFileNameWithoutExtension(clearPath);
        foreach (var e in DepthMapFile.Extensions)
        {
            string p = Path.Combine(depthDir, stem + e);
            if (File.Exists(p)) return p;
        }
        var matches = Directory.EnumerateFiles(depthDir, stem + ".*")
            .Where(p => DepthMapFile.Extensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToArray();
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new FileNotFoundException($"no depth map for {Path.GetFileName(clearPath)} in {depthDir} (looked for {stem}.npy, {stem}.png, {stem}.*.npy)"),
            _ => throw new InvalidDataException($"several depth maps for {Path.GetFileName(clearPath)}: {string.Join(", ", matches.Select(Path.GetFileName))}"),
        };
    }

    static RgbImage Grey(float[] t, int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int c = 0; c < 3; c++) Array.Copy(t, 0, img.Data, c * t.Length, t.Length);
        return img;
    }

    static void WriteManifest(string path, ManifestEntry?[] entries)
    {
        AtomicFile.Write(path, s =>
        {
            var newline = Encoding.UTF8.GetBytes("\n");
            foreach (var e in entries)
            {
                if (e is null) continue;
                using (var w = new Utf8JsonWriter(s)) e.WriteTo(w);
                s.Write(newline);
            }
        });
    }

    static bool SameDir(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    static string Message(Exception e) => e.Message;
}
