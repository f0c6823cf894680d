using Ridcp.Checkpoints;
using Ridcp.Imaging;
using Ridcp.Losses;
using Ridcp.Models;
using Ridcp.Synthesis;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>Builds a run from a request (options, data, nets, losses, optimisers), resumes it if asked, and drives
/// <see cref="TrainingLoop"/>. The CLI's `ridcp train` is a thin layer over <see cref="Run"/>.</summary>
public static class TrainingService
{
    public static TrainOutcome Run(TrainRequest req, ITrainingProgress progress, CancellationToken ct)
    {
        bool newFolder = !Directory.Exists(req.OutDir);
        var run = new RunFolder(req.OutDir);
        var existing = run.CheckpointDirs();
        TrainOptions opt;
        string? semanticNote;
        Device device;
        GanTrainerBase built;
        object trainItems;
        string describeData;
        try
        {
            if (!req.Resume && existing.Count > 0)
                throw new ArgumentException($"{run.Root} already holds a run ({Path.GetFileName(existing[0])}); use --resume {req.OutDir} or another --out folder");
            if (req.Resume && existing.Count == 0)
                throw new ArgumentException($"nothing to resume in {run.Root}: no complete checkpoint");
            string config = req.ConfigPath ?? (req.Resume ? run.Config : throw new ArgumentException("--config is required"));
            opt = TrainOptionsLoader.Load(config, req.Stage, req.DataRoot, req.Iterations);
            if (req.HqWeights is not null) opt = opt with { PretrainNetworkHq = Path.GetFullPath(req.HqWeights) };
            if (req.Seed is long seed)
                opt = req.Resume ? throw new ArgumentException("--seed starts a new run; a resume keeps the run's manual_seed") : opt with { ManualSeed = seed };
            (opt, semanticNote) = SemanticLossSetup.Resolve(opt, req.VggWeights);
            device = Ridcp.Core.Devices.Parse(req.Device);
            built = Build(opt, device, out trainItems, out describeData);
        }
        catch when (newFolder)
        {
            // A run that fails before it starts (bad config, weights, data or device) leaves no empty folder behind.
            RemoveIfEmpty(run.Root);
            throw;
        }

        using var model = built;
        bool heapReuse = Ridcp.Core.NativeHeap.KeepFreedMemory();
        long startIter = 0, startSample = 0;
        void Log(string l) { progress.Log(l); run.AppendLog(l); }
        string fingerprint = TrainOptionsLoader.Fingerprint(opt);
        if (req.Resume)
        {
            // Validated before anything of the run is written: a refused resume leaves the folder as it was.
            var (_, state) = ResumePoint.Load(run, model, TrainOptionsLoader.MaxIterations, fingerprint, progress.Log);
            (startIter, startSample) = (state.Iter, state.NextSample);
        }
        Ridcp.Core.AtomicFile.WriteAllText(run.Config, TrainOptionsLoader.ToYaml(opt));
        using var data = MakeData(opt, trainItems, startSample);

        Log($"{(req.Resume ? "resuming" : "starting")} {opt.Stage.ToString().ToLowerInvariant()} run '{opt.Name}' in {run.Root} at iteration {startIter} of {opt.TotalIter}, device {device.type}, {get_num_threads()} torch threads");
        Log($"config {opt.SourcePath}");
        if (heapReuse) Log("native heap: freed memory kept for reuse (no per-iteration mmap/zeroing; see Core/NativeHeap)");
        Log($"data: {data.Describe()}; validation: {describeData}");
        foreach (var line in model.Describe()) Log(line);
        if (semanticNote is not null) Log(semanticNote);
        if (opt.IgnoredKeys.Count > 0) Log($"config keys of the official format not used by this trainer: {string.Join(", ", opt.IgnoredKeys)}");
        if (startIter >= opt.TotalIter)
        {
            Log($"nothing to do: the run already reached {startIter} iterations (raise --iterations)");
            return new TrainOutcome(startIter, false, 0, null);
        }
        return TrainingLoop.Run(model, data, opt, run, startIter, startSample, progress, ct);
    }

    private static void RemoveIfEmpty(string dir)
    {
        try { if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir); }
        catch (IOException) { /* best effort: the original error is what the user needs to see */ }
    }

    /// <summary>The stage's trainer with fresh (seeded) weights; stage 2 loads the stage-1 checkpoint.</summary>
    public static GanTrainerBase Build(TrainOptions opt, Device device, out object trainItems, out string describeVal)
    {
        if (opt.Threads > 0) set_num_threads(opt.Threads);
        manual_seed(opt.ManualSeed);
        var perceptual = MakePerceptual(opt);
        try
        {
            if (opt.Stage == TrainStage.Vqgan)
            {
                var cache = ImageCache.Load(opt.Data.DatarootGt, opt.Data.MaxSide);
                var (train, val) = DataSplit.Apply(cache.Images, e => e.Name, opt.Data.NumVal, opt.Data.ValList, opt.Data.HoldoutList);
                trainItems = train;
                var valSet = val.Select(e => { var img = CentreCrop(ImageCache.ToImage(e), opt.Data.ValSize); return (e.Name, img, img); }).ToList();
                describeVal = $"{valSet.Count} held-out clear images ({string.Join(", ", val.Select(v => v.Name))}), centre {opt.Data.ValSize}px";
                var hqOpts = opt.NetworkG with { LqStage = false };
                var vgg = hqOpts.UseSemanticLoss ? LoadSemanticVgg(opt) : null;
                try { return new VqganTrainer(opt, device, new VQWeightDehazeNet(hqOpts), perceptual, valSet, vgg); }
                catch { vgg?.Dispose(); throw; }
            }
            else
            {
                var prior = ParsePrior(opt.Data.DepthPrior);
                var items = PairItems.Load(opt.Data.DatarootGt, opt.Data.DatarootDepth, prior, opt.Data.MaxSide);
                if (items.Count == 0) throw new FileNotFoundException($"no readable images in {opt.Data.DatarootGt}");
                var (train, val) = DataSplit.Apply(items, it => it.Name, opt.Data.NumVal, opt.Data.ValList, opt.Data.HoldoutList);
                trainItems = train;
                var valSet = val.SelectMany((it, i) => HazyValPairs(it, i, opt)).ToList();
                describeVal = $"{valSet.Count} held-out synthetic pairs ({string.Join(", ", val.Select(v => v.Name))}; each with the outdoor, constant and smooth-random depth priors unless it has a depth map), centre {opt.Data.ValSize}px";

                string hqPath = opt.PretrainNetworkHq ?? throw new ArgumentException("stage 2 needs the stage-1 weights: --hq-weights FILE (or path.pretrain_network_hq)");
                if (!File.Exists(hqPath)) throw new FileNotFoundException($"stage-1 weights not found: {hqPath}");
                var lqOpts = opt.NetworkG with { LqStage = true };
                var hqOpts = lqOpts with { LqStage = false };
                using var hqFile = NetworkFile.Read(hqPath);
                var stored = hqFile.Architecture;
                if (stored is not null && !SameHqArchitecture(stored, hqOpts))
                    throw new ArgumentException($"{hqPath} holds a stage-1 net with other sizes than network_g of the config (codebook {stored.CodebookParams[0]}, channels {string.Join("/", stored.ChannelQueryDict.Values)})");
                // The stage-1 file may carry conv_semantic (trained with the semantic loss): the frozen copy takes it
                // too so that it loads strictly; the LQ net has no use for it (the non-strict load skips it).
                var (netHq, _) = hqFile.Build(hqOpts with { UseSemanticLoss = stored?.UseSemanticLoss ?? false }, strict: true);
                // Official: load_network(net_g, pretrain_network_hq, strict=False); the LQ-only modules keep their init.
                VQWeightDehazeNet netG;
                LoadReport report;
                try { (netG, report) = hqFile.Build(lqOpts, strict: false); }
                catch { netHq.Dispose(); throw; }
                string note = $"net_g initialised from {hqPath}: {report.Loaded.Count} tensors loaded, {report.Missing.Count} LQ-only tensors keep their initialisation";
                return new RidcpTrainer(opt, device, netG, netHq, note, perceptual, valSet);
            }
        }
        catch
        {
            perceptual?.Dispose();
            throw;
        }
    }

    private static Vgg19Features LoadSemanticVgg(TrainOptions opt) =>
        Vgg19Features.Load(opt.PretrainNetworkVgg ?? throw new ArgumentException("network_g.use_semantic_loss needs VGG19 weights: --vgg-weights FILE (or path.pretrain_network_vgg)"));

    private static bool SameHqArchitecture(VQWeightDehazeNetOptions a, VQWeightDehazeNetOptions b) =>
        a.CodebookParams.SequenceEqual(b.CodebookParams) && a.GtResolution == b.GtResolution && a.NormType == b.NormType
        && a.ActType == b.ActType && a.InChannel == b.InChannel
        && a.ChannelQueryDict.OrderBy(p => p.Key).SequenceEqual(b.ChannelQueryDict.OrderBy(p => p.Key));

    private static ITrainingDataSource MakeData(TrainOptions opt, object trainItems, long startSample) => trainItems switch
    {
        IReadOnlyList<ImageCache.Entry> clear => new ClearCropSource(clear, opt.Data.GtSize, opt.Data.UseResizeCrop, opt.Data.UseFlip, opt.Data.UseRot, opt.ManualSeed, startSample),
        IReadOnlyList<PairSourceItem> pairs => new SynthesisDataSource(pairs, opt.Data.GtSize, opt.Data.UseFlip, opt.ManualSeed, startSample, opt.Data.Workers),
        _ => throw new InvalidOperationException("unknown training items"),
    };

    public static IPerceptualLoss? MakePerceptual(TrainOptions opt)
    {
        if (opt.Losses.Perceptual == 0) return null;
        if (opt.Losses.LpipsVgg is not null && opt.Losses.LpipsLin is not null)
            return LpipsLoss.Load(opt.Losses.LpipsVgg, opt.Losses.LpipsLin);
        return ResNetPerceptualLoss.Create(opt.Losses.PerceptualLayers);
    }

    private static DepthPrior? ParsePrior(string? name) => name?.ToLowerInvariant().Replace("-", "_") switch
    {
        null or "" or "none" => null,
        "outdoor" => DepthPrior.Outdoor,
        "constant" => DepthPrior.Constant,
        "smooth_random" => DepthPrior.SmoothRandom,
        var x => throw new ArgumentException($"unknown depth_prior '{x}' (outdoor, constant, smooth_random)"),
    };

    /// <summary>Fixed synthetic pairs for validation: the official pipeline with seeds of their own (run seed + 10^9 +
    /// 3 * index + k), so validation pairs never coincide with training samples and are the same at every validation.
    /// A photo with a depth map gets one pair; one without gets one per depth prior (outdoor, constant,
    /// smooth-random), the three haze geometries the model card's test set uses, so that the checkpoint chosen is not
    /// tuned to one of them.</summary>
    private static IEnumerable<(string, RgbImage, RgbImage)> HazyValPairs(PairSourceItem it, int index, TrainOptions opt)
    {
        long seed = opt.ManualSeed + 1_000_000_000L;
        var clear = CentreCrop(it.Clear, opt.Data.ValSize);
        if (it.NormalisedDepth is not null && it.Kind == DepthKind.Inverse)
        {
            var haze = HazeSynthesizer.Synthesize(it.Clear, it.NormalisedDepth, SynthesisOptions.Official with { DepthKind = it.Kind }, seed, 3L * index);
            yield return (it.Name, clear, CentreCrop(haze.Hazy, opt.Data.ValSize));
            yield break;
        }
        DepthPrior[] priors = [DepthPrior.Outdoor, DepthPrior.Constant, DepthPrior.SmoothRandom];
        for (int k = 0; k < priors.Length; k++)
        {
            long sample = 3L * index + k;
            var depth = DepthPriors.Make(priors[k], it.Clear, SynthesisRng.ForSample(seed, sample));
            var haze = HazeSynthesizer.Synthesize(it.Clear, depth, SynthesisOptions.Official with { DepthKind = DepthKind.Depth }, seed, sample);
            string stem = Path.GetFileNameWithoutExtension(it.Name);
            yield return ($"{stem}_{priors[k].ToString().ToLowerInvariant()}.png", clear, CentreCrop(haze.Hazy, opt.Data.ValSize));
        }
    }

    public static RgbImage CentreCrop(RgbImage img, int size)
    {
        int w = Math.Min(size, img.Width), h = Math.Min(size, img.Height);
        int x0 = (img.Width - w) / 2, y0 = (img.Height - h) / 2;
        var o = new RgbImage(w, h);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                Array.Copy(img.Data, (c * img.Height + y0 + y) * img.Width + x0, o.Data, (c * h + y) * w, w);
        return o;
    }
}
