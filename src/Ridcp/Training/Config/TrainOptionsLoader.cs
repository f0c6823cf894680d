using System.Globalization;
using System.Text;
using Ridcp.Models;

namespace Ridcp.Training.Config;

/// <summary>Reads a training options file. Keys follow the official options files where the meaning is the same
/// (name, manual_seed, datasets.train.{dataroot_gt, dataroot_depth, gt_size, use_resize_crop, use_flip, use_rot,
/// batch_size_per_gpu, num_worker_per_gpu}, network_g.* (use_semantic_loss included), network_d.{num_in_ch,
/// num_feat}, path.pretrain_network_hq, train.{optim_g, optim_d, scheduler, total_iter, pixel_opt, perceptual_opt,
/// gan_opt, codebook_opt, semantic_opt, net_d_iters, net_d_init_iters}, val.{val_freq, save_img},
/// logger.{print_freq, save_checkpoint_freq}); our additions are datasets.data_root, datasets.val.{num_val,
/// val_size, val_list, holdout_list}, val.{num_img, best_metric}, train.dead_code_reinit, train.threads, network_g.{channel_query_dict, swin_*},
/// perceptual_opt.{lpips_vgg, lpips_lin, layers}, path.pretrain_network_vgg (the official code has the VGG19 file
/// at a fixed path).
/// Relative paths: data_root is relative to the config file (or replaced by --data); dataroot_gt / dataroot_depth
/// are relative to data_root; other paths relative to the config file.</summary>
public static class TrainOptionsLoader
{
    /// <summary>Keys of network_g that describe the training, not the network.</summary>
    private static readonly HashSet<string> NonArchKeys = ["type", "scale_factor", "frozen_module_keywords"];

    public static TrainOptions Load(string path, TrainStage stage, string? dataRootOverride = null, long? iterationsOverride = null)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"config file not found: {path}");
        var root = YamlTree.Parse(File.ReadAllText(full), path);
        string baseDir = Path.GetDirectoryName(full)!;
        var o = FromTree(root, stage, baseDir, dataRootOverride, path);
        if (iterationsOverride is long n)
        {
            if (n <= 0) throw new ArgumentException($"--iterations must be positive, got {n}");
            o = o with { TotalIter = n };
        }
        return o with { SourcePath = full };
    }

    public static TrainOptions FromTree(Dictionary<string, object?> root, TrainStage stage, string baseDir, string? dataRootOverride, string source)
    {
        var ignoredKeys = ConfigKeys.Check(root, source);
        var datasets = Map(root, "datasets");
        var train = Map(datasets, "train");
        var val = Map(datasets, "val");
        string dataRoot = dataRootOverride is not null ? Path.GetFullPath(dataRootOverride)
            : Path.GetFullPath(Path.Combine(baseDir, Str(datasets, "data_root") ?? "."));
        string gt = Str(train, "dataroot_gt") ?? throw new FormatException($"{source}: datasets.train.dataroot_gt is missing");
        string? depth = Str(train, "dataroot_depth");

        var netG = Map(root, "network_g");
        var arch = new Dictionary<string, object>();
        foreach (var (k, value) in netG)
        {
            if (NonArchKeys.Contains(k) || value is null) continue;
            arch[k] = k == "channel_query_dict" && value is Dictionary<string, object?> cq
                ? cq.SelectMany(p => new object[] { long.Parse(p.Key, CultureInfo.InvariantCulture), p.Value! }).ToList()
                : value;
        }
        arch["LQ_stage"] = stage == TrainStage.Ridcp;
        bool? semanticAsked = arch.GetValueOrDefault("use_semantic_loss") switch
        {
            null => null,
            bool b => b,
            var x => throw new FormatException($"{source}: network_g.use_semantic_loss must be true or false, got {x}"),
        };
        if (stage == TrainStage.Ridcp && semanticAsked == true)
            throw new FormatException($"{source}: network_g.use_semantic_loss is a stage-1 (vqgan) option");
        // The network options are checked here, with the rest of the file, so that a bad one is a config error
        // (and an absurd size is refused before any network is built).
        VQWeightDehazeNetOptions network;
        try
        {
            network = VQWeightDehazeNetOptions.FromDictionary(arch.ToDictionary(p => p.Key, p => (object?)p.Value));
            network.Validate();
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException) { throw new FormatException($"{source}: network_g: {e.Message}", e); }
        var frozen = (netG.GetValueOrDefault("frozen_module_keywords") as List<object?>)?.Select(x => x?.ToString() ?? "").ToArray()
            ?? (stage == TrainStage.Ridcp ? ["quantize", "decoder_group", "after_quant_group", "out_conv"] : []);

        var netD = Map(root, "network_d");
        var path = Map(root, "path");
        var tr = Map(root, "train");
        var sched = Map(tr, "scheduler");
        var perc = Map(tr, "perceptual_opt");
        var dead = Map(tr, "dead_code_reinit");
        var v = Map(root, "val");
        var logger = Map(root, "logger");
        string? Rel(string? p) => p is null ? null : Path.GetFullPath(Path.Combine(baseDir, p));

        var o = new TrainOptions
        {
            Name = Str(root, "name") ?? Path.GetFileNameWithoutExtension(source),
            Stage = stage,
            IgnoredKeys = ignoredKeys,
            ManualSeed = Long(root, "manual_seed", 0),
            Data = new DataOptions
            {
                DatarootGt = Path.GetFullPath(Path.Combine(dataRoot, gt)),
                DatarootDepth = depth is null ? null : Path.GetFullPath(Path.Combine(dataRoot, depth)),
                DepthPrior = Str(train, "depth_prior"),
                GtSize = Int(train, "gt_size", 256),
                MaxSide = Int(train, "max_side", 0),
                UseResizeCrop = Bool(train, "use_resize_crop", true),
                UseFlip = Bool(train, "use_flip", true),
                UseRot = Bool(train, "use_rot", false),
                BatchSize = Int(train, "batch_size_per_gpu", 4),
                Workers = Int(train, "num_worker_per_gpu", 1),
                NumVal = Int(val, "num_val", 4),
                ValList = Rel(Str(val, "val_list")),
                HoldoutList = Rel(Str(val, "holdout_list")),
                ValSize = Int(val, "val_size", 256),
            },
            NetworkG = network,
            SemanticLossAsked = semanticAsked,
            FrozenModuleKeywords = frozen,
            NetworkD = new DiscriminatorOptions
            {
                NumInCh = Int(netD, "num_in_ch", stage == TrainStage.Vqgan ? 3 : 512),
                NumFeat = Int(netD, "num_feat", 64),
                SkipConnection = Bool(netD, "skip_connection", true),
            },
            PretrainNetworkHq = Rel(Str(path, "pretrain_network_hq")),
            PretrainNetworkVgg = Rel(Str(path, "pretrain_network_vgg")),
            OptimG = Optim(Map(tr, "optim_g"), 1e-4),
            OptimD = Optim(Map(tr, "optim_d"), 4e-4),
            Milestones = (sched.GetValueOrDefault("milestones") as List<object?>)?.Select((x, i) => Long(new() { ["milestones"] = x }, "milestones", 0)).ToArray() ?? [],
            Gamma = Double(sched, "gamma", 1.0),
            TotalIter = Long(tr, "total_iter", 1000),
            Losses = new LossOptions
            {
                Pixel = tr.ContainsKey("pixel_opt") ? Double(Map(tr, "pixel_opt"), "loss_weight", 1.0) : 0,
                Perceptual = tr.ContainsKey("perceptual_opt") ? Double(perc, "loss_weight", 1.0) : 0,
                Gan = tr.ContainsKey("gan_opt") ? Double(Map(tr, "gan_opt"), "loss_weight", 0.1) : 0,
                Codebook = tr.ContainsKey("codebook_opt") ? Double(Map(tr, "codebook_opt"), "loss_weight", 1.0) : 0,
                // Unlike the other terms, a missing semantic_opt keeps FeMaSR's 0.1: the loss is on only with VGG19
                // weights, and --vgg-weights alone should be enough to turn it on.
                Semantic = Double(Map(tr, "semantic_opt"), "loss_weight", 0.1),
                LpipsVgg = Rel(Str(perc, "lpips_vgg")),
                LpipsLin = Rel(Str(perc, "lpips_lin")),
                PerceptualLayers = Int(perc, "layers", 5),
            },
            NetDIters = Int(tr, "net_d_iters", 1),
            NetDInitIters = Long(tr, "net_d_init_iters", 0),
            DeadCodes = new DeadCodeOptions { Enabled = Bool(dead, "enabled", false), Every = Long(dead, "every", 500) },
            Threads = Int(tr, "threads", 0),
            Val = new ValOptions
            {
                ValFreq = Long(v, "val_freq", 1000),
                SaveImg = Bool(v, "save_img", true),
                NumImg = Int(v, "num_img", 3),
                CropBorder = Int(v, "crop_border", 4),
                TestYChannel = Bool(v, "test_y_channel", true),
                BestMetric = Str(v, "best_metric") ?? "psnr_rgb",
            },
            Logger = new LoggerOptions
            {
                PrintFreq = Long(logger, "print_freq", 10),
                SaveCheckpointFreq = Long(logger, "save_checkpoint_freq", 1000),
            },
        };
        Validate(o, source);
        return o;
    }

    /// <summary>Upper bounds far above any real run, so that a typo such as 1e20 is refused here rather than
    /// overflowing a time estimate or an allocation later.</summary>
    public const long MaxIterations = 1_000_000_000;
    const int MaxImageSide = 16384;

    private static void Validate(TrainOptions o, string source)
    {
        void Need(bool ok, string what) { if (!ok) throw new FormatException($"{source}: {what}"); }
        static bool Finite(double x) => double.IsFinite(x);
        Need(o.TotalIter > 0 && o.TotalIter <= MaxIterations, $"train.total_iter must be 1..{MaxIterations}, got {o.TotalIter}");
        Need(o.Data.BatchSize <= 1024 && o.Data.Workers is >= 0 and <= 256, "batch_size_per_gpu must be 1..1024 and num_worker_per_gpu 0..256");
        Need(o.Data.GtSize <= MaxImageSide && o.Data.ValSize is >= 16 and <= MaxImageSide && o.Data.MaxSide <= 65536,
             $"gt_size and val_size must be 16..{MaxImageSide}, max_side at most 65536");
        Need(o.Data.NumVal <= 100_000 && o.Val.NumImg is >= 0 and <= 1000 && o.Val.CropBorder is >= 0 and <= 1024, "validation sizes (num_val, num_img, crop_border) out of range");
        Need(o.Logger.SaveCheckpointFreq <= MaxIterations && o.Val.ValFreq <= MaxIterations && o.Logger.PrintFreq <= MaxIterations,
             $"frequencies must be at most {MaxIterations}");
        Need(o.NetDIters <= 1000 && o.NetDInitIters is >= 0 and <= MaxIterations, "net_d_iters must be 1..1000 and net_d_init_iters 0..total");
        foreach (var (name, opt) in new[] { ("optim_g", o.OptimG), ("optim_d", o.OptimD) })
            Need(Finite(opt.Lr) && opt.Lr <= 1 && opt.Beta1 is >= 0 and < 1 && opt.Beta2 is >= 0 and < 1 && Finite(opt.WeightDecay) && opt.WeightDecay >= 0,
                 $"train.{name}: lr must be in (0, 1], betas in [0, 1), weight_decay finite and >= 0");
        Need(Finite(o.Gamma) && o.Gamma > 0 && o.Milestones.All(m => m is >= 0 and <= MaxIterations), "scheduler: gamma must be a positive number and milestones 0..total");
        var l = o.Losses;
        Need(new[] { l.Pixel, l.Perceptual, l.Gan, l.Codebook }.All(w => Finite(w) && w >= 0), "loss weights must be finite numbers >= 0");
        Need(o.NetworkD.NumInCh is >= 1 and <= 4096 && o.NetworkD.NumFeat is >= 1 and <= 4096, "network_d: num_in_ch and num_feat must be 1..4096");
        Need(o.DeadCodes.Every > 0 && o.Threads is >= 0 and <= 1024, "dead_code_reinit.every must be positive and threads 0..1024");
        Need(o.Data.BatchSize > 0, "batch_size_per_gpu must be positive");
        Need(o.Data.GtSize >= 16, "gt_size must be at least 16");
        Need(o.NetDIters >= 1, "net_d_iters must be >= 1");
        Need(o.Logger.SaveCheckpointFreq > 0 && o.Val.ValFreq > 0 && o.Logger.PrintFreq > 0, "frequencies must be positive");
        Need(o.OptimG.Lr > 0 && o.OptimD.Lr > 0, "learning rates must be positive");
        Need(o.Losses.PerceptualLayers is >= 1 and <= 5, "perceptual_opt.layers must be 1..5");
        Need(o.Data.NumVal >= 1, "datasets.val.num_val must be >= 1");
        Need(BestCheckpoint.IsKnownMetric(o.Val.BestMetric), $"val.best_metric must be one of {string.Join(", ", BestCheckpoint.Metrics)}, got '{o.Val.BestMetric}'");
        Need(o.Losses.Semantic >= 0 && double.IsFinite(o.Losses.Semantic), "semantic_opt.loss_weight must be a finite number >= 0");
        Need(o.Data.MaxSide == 0 || o.Data.MaxSide >= o.Data.GtSize, "max_side must be 0 or at least gt_size");
    }

    private static OptimOptions Optim(Dictionary<string, object?> m, double lr)
    {
        var betas = m.GetValueOrDefault("betas") as List<object?>;
        return new OptimOptions
        {
            Lr = Double(m, "lr", lr),
            Beta1 = betas is { Count: 2 } ? Double(new() { ["betas"] = betas[0] }, "betas", 0.9) : 0.9,
            Beta2 = betas is { Count: 2 } ? Double(new() { ["betas"] = betas[1] }, "betas", 0.99) : 0.99,
            WeightDecay = Double(m, "weight_decay", 0),
        };
    }

    private static Dictionary<string, object?> Map(Dictionary<string, object?> m, string key) =>
        m.GetValueOrDefault(key) as Dictionary<string, object?> ?? new();
    private static string? Str(Dictionary<string, object?> m, string key) => m.GetValueOrDefault(key)?.ToString();
    /// <summary>An integer value. A whole double (YAML's 5e3) is accepted within ±2^53, where it is exact; int
    /// options go through <see cref="Int"/>, so nothing wraps around when narrowed.</summary>
    private static long Long(Dictionary<string, object?> m, string key, long dflt) => m.GetValueOrDefault(key) switch
    {
        null => dflt,
        long l => l,
        double d when d == Math.Floor(d) && Math.Abs(d) <= 9007199254740992.0 => (long)d,
        var x => throw new FormatException($"{key} must be an integer (at most 2^53), got {x}"),
    };
    private static int Int(Dictionary<string, object?> m, string key, int dflt)
    {
        long v = Long(m, key, dflt);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new FormatException($"{key} is out of range: {v}");
    }
    private static double Double(Dictionary<string, object?> m, string key, double dflt) => m.GetValueOrDefault(key) switch
    {
        null => dflt,
        long l => l,
        double d when double.IsFinite(d) => d,
        var x => throw new FormatException($"{key} must be a number, got {x}"),
    };
    private static bool Bool(Dictionary<string, object?> m, string key, bool dflt) => m.GetValueOrDefault(key) switch
    {
        null => dflt,
        bool b => b,
        var x => throw new FormatException($"{key} must be true or false, got {x}"),
    };

    /// <summary>What a checkpoint remembers of the options that wrote it (SHA-256 of the resolved YAML): everything
    /// but total_iter (--iterations may extend a run) and the file locations (data, weights and the config may move).</summary>
    public static string Fingerprint(TrainOptions o)
    {
        var what = o with
        {
            SourcePath = "", TotalIter = 1, IgnoredKeys = [],
            Data = o.Data with { DatarootGt = "", DatarootDepth = null, ValList = null, HoldoutList = null },
            PretrainNetworkHq = null, PretrainNetworkVgg = null,
            Losses = o.Losses with { LpipsVgg = null, LpipsLin = null },
        };
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ToYaml(what))))[..16];
    }

    /// <summary>The resolved options as YAML (what the run actually uses; absolute paths), for RUN_DIR/config.yml.</summary>
    public static string ToYaml(TrainOptions o)
    {
        var sb = new StringBuilder();
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        string B(bool b) => b ? "true" : "false";
        string Q(string? s) => s is null ? "~" : "'" + s.Replace("'", "''") + "'";
        sb.AppendLine($"# resolved by ridcp train from {Q(o.SourcePath)}");
        sb.AppendLine($"name: {Q(o.Name)}");
        sb.AppendLine($"stage: {o.Stage.ToString().ToLowerInvariant()}");
        sb.AppendLine($"manual_seed: {o.ManualSeed}");
        sb.AppendLine("datasets:");
        sb.AppendLine("  train:");
        sb.AppendLine($"    dataroot_gt: {Q(o.Data.DatarootGt)}");
        sb.AppendLine($"    dataroot_depth: {Q(o.Data.DatarootDepth)}");
        sb.AppendLine($"    depth_prior: {Q(o.Data.DepthPrior)}");
        sb.AppendLine($"    gt_size: {o.Data.GtSize}");
        sb.AppendLine($"    max_side: {o.Data.MaxSide}");
        sb.AppendLine($"    use_resize_crop: {B(o.Data.UseResizeCrop)}");
        sb.AppendLine($"    use_flip: {B(o.Data.UseFlip)}");
        sb.AppendLine($"    use_rot: {B(o.Data.UseRot)}");
        sb.AppendLine($"    batch_size_per_gpu: {o.Data.BatchSize}");
        sb.AppendLine($"    num_worker_per_gpu: {o.Data.Workers}");
        sb.AppendLine("  val:");
        sb.AppendLine($"    num_val: {o.Data.NumVal}");
        sb.AppendLine($"    val_size: {o.Data.ValSize}");
        sb.AppendLine($"    val_list: {Q(o.Data.ValList)}");
        sb.AppendLine($"    holdout_list: {Q(o.Data.HoldoutList)}");
        sb.AppendLine("network_g:");
        var network = o.NetworkG.ToDictionary();
        // Stage 1 states the semantic-loss decision either way, so a resume builds the same net (ToDictionary
        // writes it only when on).
        if (o.Stage == TrainStage.Vqgan) network["use_semantic_loss"] = o.NetworkG.UseSemanticLoss;
        network.Remove("LQ_stage");   // set by the stage
        foreach (var (k, v) in network)
            sb.AppendLine($"  {k}: {Value(v)}");
        sb.AppendLine($"  frozen_module_keywords: [{string.Join(", ", o.FrozenModuleKeywords.Select(Q))}]");
        sb.AppendLine("network_d:");
        sb.AppendLine("  type: UNetDiscriminatorSN");
        sb.AppendLine($"  num_in_ch: {o.NetworkD.NumInCh}");
        sb.AppendLine($"  num_feat: {o.NetworkD.NumFeat}");
        sb.AppendLine($"  skip_connection: {B(o.NetworkD.SkipConnection)}");
        sb.AppendLine("path:");
        sb.AppendLine($"  pretrain_network_hq: {Q(o.PretrainNetworkHq)}");
        sb.AppendLine($"  pretrain_network_vgg: {Q(o.PretrainNetworkVgg)}");
        sb.AppendLine("train:");
        foreach (var (name, opt) in new[] { ("optim_g", o.OptimG), ("optim_d", o.OptimD) })
            sb.AppendLine($"  {name}: {{type: Adam, lr: {F(opt.Lr)}, weight_decay: {F(opt.WeightDecay)}, betas: [{F(opt.Beta1)}, {F(opt.Beta2)}]}}");
        sb.AppendLine($"  scheduler: {{type: MultiStepLR, milestones: [{string.Join(", ", o.Milestones)}], gamma: {F(o.Gamma)}}}");
        sb.AppendLine($"  total_iter: {o.TotalIter}");
        sb.AppendLine($"  pixel_opt: {{type: L1Loss, loss_weight: {F(o.Losses.Pixel)}}}");
        sb.AppendLine($"  perceptual_opt: {{loss_weight: {F(o.Losses.Perceptual)}, lpips_vgg: {Q(o.Losses.LpipsVgg)}, lpips_lin: {Q(o.Losses.LpipsLin)}, layers: {o.Losses.PerceptualLayers}}}");
        sb.AppendLine($"  gan_opt: {{type: GANLoss, gan_type: hinge, loss_weight: {F(o.Losses.Gan)}}}");
        sb.AppendLine($"  codebook_opt: {{loss_weight: {F(o.Losses.Codebook)}}}");
        sb.AppendLine($"  semantic_opt: {{loss_weight: {F(o.Losses.Semantic)}}}");
        sb.AppendLine($"  net_d_iters: {o.NetDIters}");
        sb.AppendLine($"  net_d_init_iters: {o.NetDInitIters}");
        sb.AppendLine($"  dead_code_reinit: {{enabled: {B(o.DeadCodes.Enabled)}, every: {o.DeadCodes.Every}}}");
        sb.AppendLine($"  threads: {o.Threads}");
        sb.AppendLine("val:");
        sb.AppendLine($"  val_freq: {o.Val.ValFreq}");
        sb.AppendLine($"  save_img: {B(o.Val.SaveImg)}");
        sb.AppendLine($"  num_img: {o.Val.NumImg}");
        sb.AppendLine($"  crop_border: {o.Val.CropBorder}");
        sb.AppendLine($"  test_y_channel: {B(o.Val.TestYChannel)}");
        sb.AppendLine($"  best_metric: {Q(o.Val.BestMetric)}");
        sb.AppendLine("logger:");
        sb.AppendLine($"  print_freq: {o.Logger.PrintFreq}");
        sb.AppendLine($"  save_checkpoint_freq: {o.Logger.SaveCheckpointFreq}");
        return sb.ToString();

        static string Value(object? v) => v switch
        {
            null => "~",
            bool b => b ? "true" : "false",
            string s => "'" + s.Replace("'", "''") + "'",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Value)) + "]",
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "~",
        };
    }
}
