using Ridcp.Models;

namespace Ridcp.Training.Config;

/// <summary>Which of the two RIDCP training stages a config describes.</summary>
public enum TrainStage { Vqgan, Ridcp }

/// <summary>A whole experiment, as one options file (BasicSR style). Keys of the YAML follow the official
/// options files (RIDCP options/RIDCP.yml, FeMaSR options/train_FeMaSR_HQ_pretrain_stage.yml) where the meaning is
/// the same; <see cref="TrainOptionsLoader"/> maps them. Paths are absolute after loading.</summary>
public sealed record TrainOptions
{
    public string Name { get; init; } = "run";
    public TrainStage Stage { get; init; }
    /// <summary>manual_seed: seeds the nets' initialisation; every random draw of iteration i derives from it and i.</summary>
    public long ManualSeed { get; init; }
    public DataOptions Data { get; init; } = new();
    /// <summary>network_g, typed (LQ_stage is set by the stage; the YAML keys are those of
    /// <see cref="VQWeightDehazeNetOptions.FromDictionary"/>).</summary>
    public VQWeightDehazeNetOptions NetworkG { get; init; } = new();
    /// <summary>network_g.use_semantic_loss as the config gave it: null when absent (then the VGG19 weights decide,
    /// see <see cref="SemanticLossSetup"/>).</summary>
    public bool? SemanticLossAsked { get; init; }
    /// <summary>network_g.frozen_module_keywords (stage 2): parameters whose module name contains one are frozen.</summary>
    public IReadOnlyList<string> FrozenModuleKeywords { get; init; } = [];
    public DiscriminatorOptions NetworkD { get; init; } = new();
    /// <summary>path.pretrain_network_hq: the stage-1 checkpoint (stage 2 only; --hq-weights overrides).</summary>
    public string? PretrainNetworkHq { get; init; }
    /// <summary>path.pretrain_network_vgg: torchvision's VGG19 weights (vgg19-dcbb9e9d.pth) for the stage-1 semantic
    /// loss (--vgg-weights overrides). The official code reads a fixed path (basicsr vgg_arch.py VGG_PRETRAIN_PATH).</summary>
    public string? PretrainNetworkVgg { get; init; }
    public OptimOptions OptimG { get; init; } = new() { Lr = 1e-4 };
    public OptimOptions OptimD { get; init; } = new() { Lr = 4e-4 };
    /// <summary>scheduler (MultiStepLR): lr * gamma^(number of milestones passed).</summary>
    public IReadOnlyList<long> Milestones { get; init; } = [];
    public double Gamma { get; init; } = 1.0;
    public long TotalIter { get; init; } = 1000;
    /// <summary>Keys of the official options format present in the file that this trainer knowingly does not use
    /// (dotted paths, e.g. <c>train.ema_decay</c>); the run log lists them once.</summary>
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];
    public LossOptions Losses { get; init; } = new();
    /// <summary>net_d_iters / net_d_init_iters: D is updated every net_d_iters iterations once past net_d_init_iters;
    /// the generator's GAN term is on only after net_d_init_iters (official optimize_parameters).</summary>
    public int NetDIters { get; init; } = 1;
    public long NetDInitIters { get; init; }
    public DeadCodeOptions DeadCodes { get; init; } = new();
    public ValOptions Val { get; init; } = new();
    public LoggerOptions Logger { get; init; } = new();
    /// <summary>torch intra-op threads (0 = leave TorchSharp's default).</summary>
    public int Threads { get; init; }
    /// <summary>The YAML file this came from (for the run log), absolute.</summary>
    public string SourcePath { get; init; } = "";
}

/// <summary>datasets.train / datasets.val.</summary>
public sealed record DataOptions
{
    /// <summary>dataroot_gt: folder of clear images.</summary>
    public string DatarootGt { get; init; } = "";
    /// <summary>dataroot_depth: optional depth maps for haze synthesis (stage 2).</summary>
    public string? DatarootDepth { get; init; }
    /// <summary>depth_prior (stage 2, photos without depth maps): outdoor, constant or smooth_random; none = a smooth
    /// random field per sample (the pair source's default).</summary>
    public string? DepthPrior { get; init; }
    public int GtSize { get; init; } = 256;
    /// <summary>max_side: photos are shrunk to this longer side when loaded (0 = as they are).</summary>
    public int MaxSide { get; init; }
    public bool UseResizeCrop { get; init; } = true;
    public bool UseFlip { get; init; } = true;
    public bool UseRot { get; init; }
    public int BatchSize { get; init; } = 4;
    /// <summary>Background threads preparing samples (num_worker_per_gpu).</summary>
    public int Workers { get; init; } = 1;
    /// <summary>Images held out of training for validation (the last ones in name order), when no val_list is given.</summary>
    public int NumVal { get; init; } = 4;
    /// <summary>val_list: a text file naming the validation images (one file name a line, '#' comments); they are
    /// held out of training and score every validation (checkpoint selection). Absolute path, or null.</summary>
    public string? ValList { get; init; }
    /// <summary>holdout_list: a text file naming images that neither training nor validation may see: the test set
    /// that judges a model after it was chosen. Absolute path, or null.</summary>
    public string? HoldoutList { get; init; }
    /// <summary>Side of the centre crop used for validation images.</summary>
    public int ValSize { get; init; } = 256;
}

/// <summary>network_d: BasicSR UNetDiscriminatorSN.</summary>
public sealed record DiscriminatorOptions
{
    /// <summary>num_in_ch: 3 on images (stage 1); the codebook dimension on features (stage 2; official 512).</summary>
    public int NumInCh { get; init; } = 3;
    public int NumFeat { get; init; } = 64;
    public bool SkipConnection { get; init; } = true;
}

/// <summary>optim_g / optim_d (Adam).</summary>
public sealed record OptimOptions
{
    public double Lr { get; init; } = 1e-4;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.99;
    public double WeightDecay { get; init; }
}

/// <summary>Loss weights (pixel_opt, perceptual_opt, gan_opt, codebook_opt, semantic_opt) and the perceptual network.</summary>
public sealed record LossOptions
{
    public double Pixel { get; init; } = 1.0;
    public double Perceptual { get; init; } = 1.0;
    public double Gan { get; init; } = 0.1;
    public double Codebook { get; init; } = 1.0;
    /// <summary>semantic_opt.loss_weight (stage 1, when the semantic loss is on; FeMaSR's HQ recipe: 0.1).</summary>
    public double Semantic { get; init; } = 0.1;
    /// <summary>perceptual_opt.lpips_vgg / lpips_lin: torchvision VGG16 and LPIPS v0.1 linear heads (PyTorch files);
    /// without both, the ResNet18 fallback is used.</summary>
    public string? LpipsVgg { get; init; }
    public string? LpipsLin { get; init; }
    /// <summary>perceptual_opt.layers: ResNet18 stage taps used by the fallback (1..5).</summary>
    public int PerceptualLayers { get; init; } = 5;
}

/// <summary>train.dead_code_reinit: re-initialise codes unused since the last check from encoder outputs.</summary>
public sealed record DeadCodeOptions
{
    public bool Enabled { get; init; }
    /// <summary>Check every this many iterations.</summary>
    public long Every { get; init; } = 500;
}

/// <summary>val.</summary>
public sealed record ValOptions
{
    public long ValFreq { get; init; } = 1000;
    public bool SaveImg { get; init; } = true;
    /// <summary>How many validation results are saved side by side.</summary>
    public int NumImg { get; init; } = 3;
    public int CropBorder { get; init; } = 4;
    public bool TestYChannel { get; init; } = true;
    /// <summary>best_metric: the validation figure that picks RUN_DIR/net_g_best.pth (see <see cref="BestCheckpoint"/>).</summary>
    public string BestMetric { get; init; } = "psnr_rgb";
}

/// <summary>logger.</summary>
public sealed record LoggerOptions
{
    public long PrintFreq { get; init; } = 10;
    public long SaveCheckpointFreq { get; init; } = 1000;
}
