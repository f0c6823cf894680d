using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>Endless, seeded, resumable training pairs synthesised on background threads.
/// <code>
/// var items = SynthesisPairSource.LoadFolder("clear/", depthDir: null, prior: DepthPrior.Outdoor);   // or build PairSourceItems yourself
/// using var source = new SynthesisPairSource(items, SynthesisOptions.Official,
///     new PairSourceOptions { GtSize = 256, Seed = 0, StartSample = iteration * batchSize });
/// PairBatch b = source.NextBatch(batchSize);          // b.Clear, b.Hazy: float[B*3*S*S]; b.ToTensors() -> [B,3,S,S]
/// long resume = source.NextSample;                     // save with the checkpoint; StartSample = resume continues exactly
/// </code>
/// Sample k (a global counter over the run) is fully determined by (seed, k): epoch e = k / n visits the n photos in
/// a permutation drawn from seed and e (Fisher-Yates); the haze uses the generator seed + k (as `ridcp synthesize`);
/// the augmentation (<see cref="PairAugmentation"/>) and a smooth-random prior use their own streams of seed + k.
/// So batches do not depend on the number of threads, and resuming at a sample counter reproduces the same data.</summary>
public sealed class SynthesisPairSource : IPairSource
{
    const ulong AugmentationStream = 0x9E6C63D0676A9A99UL, PriorStream = 0xD1B54A32D192ED03UL, EpochStream = 0xC2B2AE3D27D4EB4FUL;

    readonly IReadOnlyList<PairSourceItem> items;
    readonly SynthesisOptions pipeline;
    readonly PairSourceOptions opts;
    readonly Thread[] workers;
    readonly Dictionary<long, object> ready = []; // sample index -> Sample or Exception
    readonly object gate = new();
    long nextToProduce, nextToConsume;
    bool stopping;
    int[]? permutation; long permutationEpoch = -1;

    sealed record Sample(float[] Clear, float[] Hazy, string Name, HazeParameters Parameters);

    public long NextSample { get { lock (gate) return nextToConsume; } }

    public SynthesisPairSource(IReadOnlyList<PairSourceItem> items, SynthesisOptions pipeline, PairSourceOptions options)
    {
        if (items.Count == 0) throw new ArgumentException("the pair source needs at least one clear image");
        foreach (var it in items)
            if (it.NormalisedDepth is { } d && d.Length != it.Clear.Width * it.Clear.Height)
                throw new ArgumentException($"depth map of {it.Name} does not match its image size");
        pipeline.Validate();
        if (options.Workers < 1 || options.Prefetch < 1 || options.GtSize < 1 || options.StartSample < 0)
            throw new ArgumentException("pair source: workers, prefetch and gt size must be positive, the start sample non-negative");
        this.items = items; this.pipeline = pipeline; opts = options;
        nextToProduce = nextToConsume = options.StartSample;
        workers = new Thread[options.Workers];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"pair-source-{i}" };
            workers[i].Start();
        }
    }

    public PairBatch NextBatch(int batchSize)
    {
        if (batchSize < 1) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        int s = opts.GtSize, n = 3 * s * s;
        var clear = new float[batchSize * n]; var hazy = new float[batchSize * n];
        var names = new string[batchSize]; var parameters = new HazeParameters[batchSize];
        long first;
        lock (gate) first = nextToConsume;
        for (int b = 0; b < batchSize; b++)
        {
            object got;
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(stopping, this);
                long k = nextToConsume;
                while (!ready.TryGetValue(k, out got!)) { Monitor.Wait(gate); ObjectDisposedException.ThrowIf(stopping, this); }
                ready.Remove(k);
                nextToConsume++;
                Monitor.PulseAll(gate);
            }
            if (got is Exception e) throw new InvalidOperationException($"pair source failed: {e.Message}", e);
            var sample = (Sample)got;
            Array.Copy(sample.Clear, 0, clear, b * n, n);
            Array.Copy(sample.Hazy, 0, hazy, b * n, n);
            names[b] = sample.Name; parameters[b] = sample.Parameters;
        }
        return new PairBatch(clear, hazy, batchSize, s, first, names, parameters);
    }

    void WorkerLoop()
    {
        while (true)
        {
            long k;
            lock (gate)
            {
                while (!stopping && nextToProduce >= nextToConsume + opts.Prefetch) Monitor.Wait(gate);
                if (stopping) return;
                k = nextToProduce++;
            }
            object result;
            try { result = Produce(k); }
            catch (Exception e) { result = e; }
            lock (gate) { ready[k] = result; Monitor.PulseAll(gate); }
        }
    }

    /// <summary>Sample k, computed from (seed, k) alone.</summary>
    Sample Produce(long k)
    {
        var item = items[ImageIndex(k)];
        var img = item.Clear;
        ulong sampleSeed = unchecked((ulong)(opts.Seed + k));
        var depth = item.NormalisedDepth ?? DepthPriors.SmoothRandom(img.Width, img.Height, new SynthesisRng(sampleSeed ^ PriorStream));
        var haze = HazeSynthesizer.Synthesize(img, depth, pipeline with { DepthKind = item.Kind }, SynthesisRng.ForSample(opts.Seed, k));
        var place = PairAugmentation.Draw(img.Width, img.Height, opts.GtSize, opts.UseFlip, new SynthesisRng(sampleSeed ^ AugmentationStream));
        return new Sample(PairAugmentation.Cut(img.Data, img.Width, img.Height, opts.GtSize, place),
                          PairAugmentation.Cut(haze.Hazy.Data, img.Width, img.Height, opts.GtSize, place), item.Name, haze.Parameters);
    }

    int ImageIndex(long k)
    {
        int n = items.Count;
        long epoch = k / n;
        lock (gate)
        {
            if (permutationEpoch != epoch)
            {
                permutation = Permutation(n, opts.Seed, epoch);
                permutationEpoch = epoch;
            }
            return permutation![(int)(k % n)];
        }
    }

    /// <summary>The visiting order of epoch e: Fisher-Yates with a generator seeded from (seed, e).</summary>
    public static int[] Permutation(int n, long seed, long epoch)
    {
        var rng = new SynthesisRng(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)epoch) ^ EpochStream);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = rng.NextInt(0, i); (p[i], p[j]) = (p[j], p[i]); }
        return p;
    }

    /// <summary>Loads every photo of a folder with its depth (a folder of maps, a prior, or a model), as
    /// `ridcp synthesize` would; unreadable photos are skipped and returned in <paramref name="skipped"/>.</summary>
    public static List<PairSourceItem> LoadFolder(string clearDir, string? depthDir = null, DepthPrior? prior = null,
        DepthKind kind = DepthKind.Inverse, bool resizeDepth = false, List<SynthesisFailure>? skipped = null)
    {
        var job = new SynthesisJobOptions { ClearDir = clearDir, OutputDir = ".", DepthDir = depthDir, DepthPrior = prior, ResizeDepth = resizeDepth,
                                            Pipeline = SynthesisOptions.Official with { DepthKind = kind } };
        var list = new List<PairSourceItem>();
        foreach (var path in Directory.EnumerateFiles(clearDir).Where(ImageFile.IsImagePath).Order(StringComparer.Ordinal))
        {
            try
            {
                var img = ImageFile.Read(path);
                var (depth, _) = SynthesisJob.LoadDepth(path, img, job, model: null);
                list.Add(new PairSourceItem(Path.GetFileName(path), img, depth, prior is null ? kind : DepthKind.Depth));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
            {
                skipped?.Add(new SynthesisFailure(Path.GetFileName(path), e.Message));
            }
        }
        return list;
    }

    public void Dispose()
    {
        lock (gate) { stopping = true; Monitor.PulseAll(gate); }
        foreach (var t in workers) t.Join();
    }
}
