using System.Diagnostics;
using Ridcp.Imaging;
using SkiaSharp;

namespace Ridcp.Synthesis;

/// <summary>`ridcp bench synthesize`: samples per second at 1024×768 with every stage on at its official probability,
/// parallel over samples as `ridcp synthesize` runs. The clear image is a photo resized to the size, or a
/// deterministic textured test image; the depth map a vertical ramp with texture.</summary>
public static class SynthesisBenchmark
{
    public static SynthesisBenchmarkResult Run(int width = 1024, int height = 768, int samples = 200, int threads = 0,
                                               string? photo = null, SynthesisOptions? options = null)
    {
        if (width < 8 || height < 8 || samples < 1) throw new ArgumentException("benchmark needs at least 8x8 pixels and one sample");
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        options ??= SynthesisOptions.Official;
        var clear = photo is null ? TestImage(width, height) : Resized(ImageFile.Read(photo), width, height);
        var depth = TestDepth(clear);

        var po = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0, Math.Min(samples, 2 * threads), po, k => HazeSynthesizer.Synthesize(clear, depth, options, 1_000_000, k)); // warm-up (JIT, Skia)

        int gamma = 0, noise = 0, jpeg = 0;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        Parallel.For(0, samples, po, k =>
        {
            var p = HazeSynthesizer.Synthesize(clear, depth, options, 0, k).Parameters;
            if (p.Gamma is not null) Interlocked.Increment(ref gamma);
            if (p.NoiseMode is not null) Interlocked.Increment(ref noise);
            if (p.JpegQuality is not null) Interlocked.Increment(ref jpeg);
        });
        double pipeline = samples / sw.Elapsed.TotalSeconds;
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / samples;

        sw.Restart();
        Parallel.For(0, samples, po, k =>
        {
            var hazy = HazeSynthesizer.Synthesize(clear, depth, options, 0, k).Hazy;
            using var data = EncodePng(hazy);
        });
        double withPng = samples / sw.Elapsed.TotalSeconds;
        return new SynthesisBenchmarkResult(width, height, samples, threads, pipeline, withPng, gamma, noise, jpeg, cpuMs, StageTimes(clear, depth));
    }

    /// <summary>Mean CPU milliseconds of each stage alone on one thread (10 repetitions each).</summary>
    static List<(string, double)> StageTimes(RgbImage clear, float[] depth)
    {
        const int Reps = 10;
        var list = new List<(string, double)>();
        var mixing = CorrelatedNoise.RandomMixing(25 / 255.0, new SynthesisRng(1));
        void Time(string name, Action<RgbImage> stage)
        {
            var copies = new RgbImage[Reps];
            for (int i = 0; i < Reps; i++) copies[i] = new RgbImage(clear.Width, clear.Height, (float[])clear.Data.Clone());
            stage(new RgbImage(clear.Width, clear.Height, (float[])clear.Data.Clone())); // warm-up
            // process CPU time rather than wall time: on a shared machine the wall clock also counts other processes
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var c in copies) stage(c);
            list.Add((name, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Reps));
        }
        var noise = new SynthesisRng(7);
        Time("gamma", img => DegradationStages.ApplyGamma(img.Data, 2.2));
        Time("noise color", img => DegradationStages.AddNoise(img, NoiseMode.Color, 10, null, noise));
        Time("noise gray", img => DegradationStages.AddNoise(img, NoiseMode.Gray, 10, null, noise));
        Time("noise correlated", img => DegradationStages.AddNoise(img, NoiseMode.Correlated, 25, mixing, noise));
        Time("haze", img => DegradationStages.ApplyHaze(img, DegradationStages.Transmission(depth, 1.0, DepthKind.Inverse), [0.8, 0.8, 0.8]));
        Time("jpeg q62", img => DegradationStages.JpegRoundTrip(img, 62));
        return list;
    }

    static SKData EncodePng(RgbImage img)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(img.Width, img.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        ImageFile.ToRgba8888(img, bitmap.GetPixelSpan());
        return bitmap.Encode(SKEncodedImageFormat.Png, 100);
    }

    /// <summary>Smooth colour gradients with 8-bit texture: exercises the JPEG stage like a photo does.</summary>
    static RgbImage TestImage(int w, int h)
    {
        var img = new RgbImage(w, h);
        var rng = new SynthesisRng(12345);
        int plane = w * h;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double u = (double)x / w, v = (double)y / h, tex = 0.08 * (rng.NextDouble() - 0.5);
                double[] rgb = [0.5 + 0.4 * Math.Sin(6 * u + 2 * v) + tex, 0.5 + 0.3 * Math.Cos(4 * v) + tex, 0.4 + 0.4 * u * v + tex];
                for (int c = 0; c < 3; c++) img.Data[c * plane + y * w + x] = ImageFile.To8((float)rgb[c]) / 255f;
            }
        return img;
    }

    static float[] TestDepth(RgbImage img)
    {
        int w = img.Width, h = img.Height;
        var d = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) d[y * w + x] = 0.9f * y / (h - 1) + 0.1f * img.Data[y * w + x];
        return new DepthMap(w, h, d).Normalised();
    }

    static RgbImage Resized(RgbImage src, int w, int h)
    {
        var dst = new RgbImage(w, h);
        int sp = src.Width * src.Height, dp = w * h;
        for (int c = 0; c < 3; c++)
        {
            var plane = Resampling.Bilinear(src.Data.AsSpan(c * sp, sp).ToArray(), src.Width, src.Height, w, h);
            for (int i = 0; i < dp; i++) dst.Data[c * dp + i] = ImageFile.To8(plane[i]) / 255f; // an 8-bit photo, as read from disk
        }
        return dst;
    }
}
