using Ridcp.Checkpoints;
using Ridcp.Core;
using Ridcp.Imaging;
using Ridcp.Inference.Streaming;
using Ridcp.Matching;
using Ridcp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Inference;

/// <summary>Dehazes images with a RIDCP network, the way the official inference_ridcp.py does: RGB in [0,1],
/// net.test() (mirror padding to a multiple of 32 and crop-back), clamp to [0,1]; every image at its own size
/// unless a max size asks for the official halving rule. An image whose estimated working set exceeds the memory
/// budget runs stage by stage in stripes, with the same result (Streaming/, docs/streaming.md).
/// One dispose scope and no_grad per image, so memory stays flat over a folder.</summary>
public sealed class Dehazer : IDisposable
{
    /// <summary>The alpha of the official README's inference command (--alpha -21.25).</summary>
    public const float OfficialAlpha = -21.25f;

    /// <summary>State-dict key of the CHM weight (<see cref="NetworkFile.ChmWeightKey"/>).</summary>
    public const string ChmWeightKey = NetworkFile.ChmWeightKey;

    /// <summary>Checkpoint entry holding our architecture options (<see cref="NetworkFile.ArchKey"/>).</summary>
    public const string ArchKey = NetworkFile.ArchKey;

    readonly VQWeightDehazeNet net;
    readonly Device device;

    /// <summary>CHM alpha used for every image; 0 = plain nearest-code matching.</summary>
    public float Alpha { get; }
    /// <summary>Official halving rule (h*w >= max_size^2 runs at half size); null = every image at its own size.</summary>
    public int? MaxSize { get; }
    /// <summary>Memory the whole process may use (--max-memory); images that would exceed it run in stripes.</summary>
    public long MemoryBudgetBytes { get; }
    /// <summary>Called after each stripe of an image run in stripes (progress of one long image).</summary>
    public Action<StreamProgress>? StripeProgress { get; set; }
    /// <summary>The memory a stripe could use in the last image, or null when it ran whole.</summary>
    public long? LastStripeBytes { get; private set; }
    /// <summary>Where an image run in stripes keeps its feature maps: temporary files, kept for the next image (whose
    /// maps then overwrite pages the kernel already holds) and deleted when the dehazer is disposed. Set it before
    /// the first image.</summary>
    public string SpillFolder { get; set; } = Path.GetTempPath();
    SpillFiles? spillFiles;
    SpillFiles SpillFiles => spillFiles ??= new SpillFiles(SpillFolder);
    /// <summary>Disk the spill files hold now (0 before the first image run in stripes and after disposal).</summary>
    internal long SpillFileBytes => spillFiles?.Bytes ?? 0;
    /// <summary>Arithmetic precision of the network (the image in and out is float32 either way).</summary>
    public Precision Precision { get; }
    public VQWeightDehazeNetOptions Architecture => net.Options;
    /// <summary>Human-readable account of the loading: configuration, keys, CHM weight, anything skipped.</summary>
    public IReadOnlyList<string> LoadNotes { get; }

    Dehazer(VQWeightDehazeNet net, Device device, float alpha, int? maxSize, long? memoryBudget, Precision precision, IReadOnlyList<string> notes)
    {
        this.net = net; this.device = device; Alpha = alpha; MaxSize = maxSize; Precision = precision; LoadNotes = notes;
        MemoryBudgetBytes = memoryBudget ?? MemoryBudget.Default();
        // A forward pass allocates and frees dozens of full-resolution maps; served by fresh mmaps, each costs page
        // faults and zeroing, which was more than half of the bundled model's CPU time (docs/benchmarks.md).
        // Keeping freed memory in the heap lets later layers (and later images) reuse it. Process-wide, as for training.
        NativeHeap.KeepFreedMemory();
    }

    /// <summary>Moves a built and loaded network to its device and precision (the precision checked first).</summary>
    static void Place(VQWeightDehazeNet net, Device device, Precision precision)
    {
        PrecisionSupport.Check(precision, device);
        net.eval();
        net.to(device);
        MixedPrecision.Apply(net, NetworkType(precision));
    }

    internal static ScalarType NetworkType(Precision precision) => precision == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;

    /// <summary>Wraps an already built and filled network (benchmarks, tests).</summary>
    public static Dehazer FromNetwork(VQWeightDehazeNet net, float alpha = 0f, int? maxSize = null, string device = "cpu", long? memoryBudget = null,
                                      Precision precision = Precision.Fp32)
    {
        var dev = Devices.Parse(device);
        Place(net, dev, precision);
        return new Dehazer(net, dev, alpha, maxSize, memoryBudget, precision, ["network given directly"]);
    }

    /// <summary>Builds the network a checkpoint describes and loads it. Strict by default, with one exception:
    /// when a separate CHM weight file is given, the checkpoint may lack <see cref="ChmWeightKey"/> (the official
    /// pretrained_RIDCP.pth is used together with weight_for_matching_dehazing_Flickr.pth; if the checkpoint does
    /// carry one, the file's values win, as in the official code, and a note says so).</summary>
    /// <exception cref="ArgumentException">inconsistent options</exception>
    /// <exception cref="FileNotFoundException">a weights file is missing</exception>
    /// <exception cref="CheckpointMismatchException">keys or shapes do not fit the architecture</exception>
    /// <exception cref="InvalidDataException">an unreadable, truncated or refused checkpoint</exception>
    public static Dehazer Load(DehazerOptions options)
    {
        options.Validate();
        var dev = Devices.Parse(options.Device);
        PrecisionSupport.Check(options.Precision, dev);
        var notes = new List<string>();
        using var checkpoint = NetworkFile.Read(options.WeightsPath);
        var arch = checkpoint.Architecture ?? VQWeightDehazeNetOptions.OfficialLq;
        notes.Add(checkpoint.Architecture is null
            ? "no architecture options in the checkpoint: official LQ configuration (inference_ridcp.py)"
            : "architecture options from the checkpoint");
        if (!arch.LqStage && !options.Stage1Reconstruction)
            throw new InvalidDataException($"{options.WeightsPath} holds an HQ-stage (VQGAN) network; dehazing needs the LQ stage (`ridcp reconstruct` runs a VQGAN)");
        if (arch.LqStage && options.Stage1Reconstruction)
            throw new InvalidDataException($"{options.WeightsPath} holds an LQ-stage network (a dehazer); reconstruction needs the stage-1 VQGAN");

        bool chmFile = options.ChmWeightPath is not null;
        bool chmInCheckpoint = checkpoint.HasChmWeight;
        // CHM matching needs the weight tensor. Without a file, a weight in the checkpoint is still loaded (a strict
        // load must accept it) but alpha is 0: plain matching, since exp(0 * w) = 1.
        arch = arch with { UseWeight = chmFile || chmInCheckpoint };

        using var chm = chmFile ? ReadChmWeight(options.ChmWeightPath!, arch.CodebookParams[0].Size) : null;
        var extra = chm is not null && !chmInCheckpoint ? new Dictionary<string, Tensor> { [ChmWeightKey] = chm } : null;
        var (net, report) = checkpoint.Build(arch, options.Strict, extra);
        if (extra is not null) notes.Add($"{ChmWeightKey} taken from {options.ChmWeightPath} (not in the checkpoint)");
        notes.Add("keys: " + report.Describe());
        if (chm is not null)
        {
            if (chmInCheckpoint) notes.Add($"{ChmWeightKey} of the checkpoint replaced by {options.ChmWeightPath}");
            net.SetChmWeight(chm);
        }

        float alpha = chmFile ? options.Alpha ?? OfficialAlpha : 0f;
        float maxWeight = 0f;
        if (chm is not null) using (var m = chm.abs().max()) maxWeight = m.item<float>();
        CheckAlpha(alpha, maxWeight);
        if (!chmFile && chmInCheckpoint) notes.Add($"the checkpoint's {ChmWeightKey} is unused without --chm-weight: plain matching");
        notes.Add(chmFile ? $"CHM matching, alpha {alpha}" : "plain nearest-code matching (no CHM weight)");
        if (options.Precision == Precision.Bf16) notes.Add("precision bf16 (quantiser, deformable sampling and feature-normalisation ratio in float32)");
        Place(net, dev, options.Precision);
        var dehazer = new Dehazer(net, dev, alpha, options.MaxSize, options.MaxMemoryBytes, options.Precision, notes) { maxChmWeight = maxWeight };
        notes.Add(options.MaxSize is int ms ? $"official halving of images with h*w >= {ms}^2" : "every image at its own size");
        notes.Add($"memory budget {MemoryBudget.Describe(dehazer.MemoryBudgetBytes)}{(options.MaxMemoryBytes is null ? $" (default: {MemoryBudget.DefaultShareOfAvailable:P0} of the available memory)" : "")}");
        return dehazer;
    }

    /// <summary>Largest |w| of the CHM weight in use (0 without one), for <see cref="CheckAlpha"/>.</summary>
    float maxChmWeight;

    /// <summary>Refuses an alpha whose CHM factor exp(alpha * w) would leave float32's range for this CHM weight
    /// (<see cref="VQWeightDehazeNetOptions.MaxAlphaTimesWeight"/>): the result would be garbage, not an error.</summary>
    /// <exception cref="ArgumentException">names the alpha and the largest alpha this weight allows</exception>
    static void CheckAlpha(float alpha, float maxWeight)
    {
        if (!float.IsFinite(alpha) || Math.Abs(alpha) > VQWeightDehazeNetOptions.MaxAbsAlpha)
            throw new ArgumentException($"alpha must be a number in [-{VQWeightDehazeNetOptions.MaxAbsAlpha}, {VQWeightDehazeNetOptions.MaxAbsAlpha}], got {alpha}");
        if (Math.Abs(alpha) * maxWeight > VQWeightDehazeNetOptions.MaxAlphaTimesWeight)
            throw new ArgumentException(
                $"alpha {alpha} is out of range for this CHM weight (largest value {maxWeight}): |alpha| must stay below {VQWeightDehazeNetOptions.MaxAlphaTimesWeight / maxWeight}, or exp(alpha * w) leaves float32's range");
    }

    /// <summary>The CHM weight file: a bare tensor with one value per code.</summary>
    static Tensor ReadChmWeight(string path, int codes)
    {
        var chm = NetworkFile.ReadTensor(path, "CHM weight file");
        try { StateDictLoader.RequireFinite([new(ChmWeightKey, chm)], $"CHM weight file '{path}'"); }
        catch { chm.Dispose(); throw; }
        if (chm.ndim == 1 && chm.shape[0] == codes) return chm;
        string shape = string.Join(", ", chm.shape);
        chm.Dispose();
        throw new InvalidDataException($"CHM weight file {path} holds a [{shape}] tensor; this network has {codes} codes, so it needs [{codes}]");
    }

    /// <summary>Dehazes one RGB image in [0,1]; the result is clamped to [0,1].</summary>
    public RgbImage Dehaze(RgbImage image)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = image.ToTensor(device);
        return RgbImage.FromTensor(DehazeTensor(x, Alpha, releaseInput: true));
    }

    /// <summary>Dehazes one image with another CHM alpha than <see cref="Alpha"/> (per-image alpha, alpha sweeps).</summary>
    public RgbImage Dehaze(RgbImage image, float alpha)
    {
        CheckAlpha(alpha, maxChmWeight);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = image.ToTensor(device);
        return RgbImage.FromTensor(DehazeTensor(x, alpha, releaseInput: true));
    }

    /// <summary>The encoder half of <see cref="Dehaze(RgbImage, float)"/>: the large-image rule and the mirror
    /// padding applied, the encoder run once. <see cref="Decode"/> then gives the result for any alpha, equal to
    /// <see cref="Dehaze(RgbImage, float)"/> with that alpha. An image whose forward does not fit the memory budget
    /// is not encoded but kept, and each <see cref="Decode"/> dehazes it in stripes.</summary>
    public EncodedImage Encode(RgbImage image)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long h = image.Height, w = image.Width;
        bool halve = MaxSizeRule.NeedsHalving(h, w, MaxSize);
        long nh = halve ? h / 2 : h, nw = halve ? w / 2 : w;
        CheckSize(nh, nw, h, w);
        int m = net.Options.PadMultiple;
        if (StripesFor(MirrorPadding.Target(nh, m), MirrorPadding.Target(nw, m)) is not null) return new EncodedImage(image);
        var x = image.ToTensor(device);
        if (halve) x = MaxSizeRule.Resize(x, nh, nw);
        var (encFeats, featToQuant) = net.EncodeLatent(MirrorPadding.Pad(x, net.Options.PadMultiple));
        return new EncodedImage(encFeats, featToQuant, image.Width, image.Height, nh, nw);
    }

    /// <summary>Matching with <paramref name="alpha"/> and the decoders on an encoded image; clamped to [0,1].</summary>
    public RgbImage Decode(EncodedImage encoded, float alpha)
    {
        if (encoded.Image is not null) return Dehaze(encoded.Image, alpha);
        CheckAlpha(alpha, maxChmWeight);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var y = net.DecodeLatent(encoded.EncFeats!, encoded.FeatToQuant!, alpha)
            .narrow(2, 0, encoded.WorkHeight).narrow(3, 0, encoded.WorkWidth);
        if (encoded.WorkHeight != encoded.Height || encoded.WorkWidth != encoded.Width) y = MaxSizeRule.Resize(y, encoded.Height, encoded.Width);
        return RgbImage.FromTensor(y.clamp(0, 1));
    }

    /// <summary>The features the quantizer matches for one image as dehazing prepares it (Matching/NetworkFeatures),
    /// computed within the memory budget: the encoder on the whole image where the forward fits, else in stripes.</summary>
    internal Tensor Features(RgbImage image)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return NetworkFeatures.Of(net, image.ToTensor(device), MaxSize, padded =>
            StripesFor(padded.shape[2], padded.shape[3]) is long stripeBytes
                ? StreamedForward.Features(net, padded, stripeBytes, SpillFiles, StripeProgress)
                : NetworkFeatures.Whole(net, padded)).MoveToOuterDisposeScope();
    }

    /// <summary>Null when the forward of a padded hp x wp image fits the budget whole, else the memory a stage's
    /// stripe may use (after the checks a striped run needs: the network, the temporary folder's space).</summary>
    /// <remarks>Planned first against everything the process holds, the kept heap's free blocks (Core/NativeHeap)
    /// included: if the whole image fits even so, it runs whole. Otherwise those pages are handed back and the
    /// image is planned again against what is left: the heap's own free-byte count is no measure (glibc's counts
    /// blocks in other threads' arenas, which the decoder left at 16 MP and this forward cannot reuse, and pages
    /// already handed back), and after a large image the kept blocks would make the next image look too large.</remarks>
    long? StripesFor(long hp, long wp)
    {
        LastStripeBytes = null;
        if (StripePlanner.FitsWhole(net.Options, hp, wp, MemoryBudgetBytes, ProcessMemory.CurrentRssBytes() ?? 0)) return null;
        StreamedForward.CheckSupported(net.Options);
        NativeHeap.ReleaseFreeMemory();
        long stripeBytes = StripePlanner.StripeBytes(net.Options, hp, wp, MemoryBudgetBytes, ProcessMemory.CurrentRssBytes() ?? 0);
        SpillSpace.Check(SpillFolder, StreamedForward.SpillBytes(net.Options, hp, wp) - SpillFileBytes);
        return LastStripeBytes = stripeBytes;
    }

    /// <summary>The network itself, for CHM code statistics and per-image alpha (Matching).</summary>
    internal VQWeightDehazeNet Network => net;
    internal Device Device => device;

    /// <summary>[1,3,H,W] in [0,1] on this dehazer's device to [1,3,H,W] clamped to [0,1].</summary>
    public Tensor DehazeTensor(Tensor x) => DehazeTensor(x, Alpha);

    /// <summary>Same with an explicit CHM alpha.</summary>
    public Tensor DehazeTensor(Tensor x, float alpha) => DehazeTensor(x, alpha, releaseInput: false);

    /// <param name="releaseInput">x is this dehazer's own copy of the image and may be freed once a striped forward
    /// has its padded copy: at 16 MP one 190 MB tensor less under the stripes.</param>
    Tensor DehazeTensor(Tensor x, float alpha, bool releaseInput)
    {
        long h = x.shape[2], w = x.shape[3];
        bool halve = MaxSizeRule.NeedsHalving(h, w, MaxSize);
        long nh = halve ? h / 2 : h, nw = halve ? w / 2 : w;
        CheckSize(nh, nw, h, w);
        // The image goes in as float32 (the net converts it where a module wants another dtype), the result comes
        // back as float32.
        // In place: the forward's result is a fresh tensor, and at 16 MP each copy of it is 190 MB.
        return MaxSizeRule.Apply(x, MaxSize, t => Forward(t, alpha, releaseInput || !ReferenceEquals(t, x)).to(ScalarType.Float32)).clamp_(0, 1);
    }

    /// <summary>net.test() on x [1,3,h,w], whole when the budget holds it, else in stripes on the padded image.</summary>
    Tensor Forward(Tensor x, float alpha, bool releaseInput)
    {
        long h = x.shape[2], w = x.shape[3];
        int m = net.Options.PadMultiple;
        long hp = MirrorPadding.Target(h, m), wp = MirrorPadding.Target(w, m);
        if (StripesFor(hp, wp) is not long stripeBytes) return net.Test(x, alpha).Output;
        Tensor output;
        using (var scope = NewDisposeScope())   // the padded copy goes before the output image is made
        {
            var padded = MirrorPadding.Pad(x, m);
            if (releaseInput) x.Dispose();
            output = scope.MoveToOuter(StreamedForward.Run(net, padded, alpha, stripeBytes, SpillFiles, h, w, StripeProgress));
        }
        // The stripes' freed blocks would stay resident under the output image and its encoding, which come on top.
        NativeHeap.ReleaseFreeMemory();
        return output;
    }

    /// <summary>The official padding appends one flipped copy, so it cannot reach the next multiple of 32 for
    /// sides under 16 px (parity README section 4): refuse those with a clear message instead of a Swin error.</summary>
    void CheckSize(long h, long w, long origH, long origW)
    {
        int m = net.Options.PadMultiple;
        long hp = (h / m + 1) * m, wp = (w / m + 1) * m;
        if (hp > 2 * h || wp > 2 * w)
            throw new InvalidDataException($"image {origW}x{origH} is too small: the network's mirror padding needs at least {m / 2} px per side{(h != origH ? " after the large-image halving" : "")}");
    }

    public void Dispose()
    {
        spillFiles?.Dispose();
        spillFiles = null;
        net.Dispose();
    }
}
