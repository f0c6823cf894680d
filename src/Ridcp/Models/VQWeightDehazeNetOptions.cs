using System.Collections;
using System.Globalization;
using Ridcp.Bricks;

namespace Ridcp.Models;

/// <summary>Constructor options of <see cref="VQWeightDehazeNet"/>, named and defaulted like the keyword arguments
/// of the official <c>VQWeightDehazeNet.__init__</c> (RIDCP basicsr/archs/dehaze_vq_weight_arch.py), plus the
/// numbers the official code hard-codes (channel table, Swin sizes, beta), exposed so that smaller variants can be
/// built for CPU training. The defaults give the official network; <see cref="OfficialLq"/> is the net of
/// inference_ridcp.py with the README's flags (--use_weight --alpha -21.25).</summary>
/// <remarks>Checkpoints carry these options as a flat dictionary (<see cref="ToDictionary"/> /
/// <see cref="FromDictionary"/>); a missing key means the official value.
/// Deviation: the official constructor accepts several codebook scales; RIDCP only ever uses one, and so does
/// this port (a second scale is rejected).</remarks>
public sealed record VQWeightDehazeNetOptions
{
    /// <summary>channel_query_dict of the official constructor: feature resolution -> channels.</summary>
    public static readonly IReadOnlyDictionary<int, int> OfficialChannels = new SortedDictionary<int, int>
    {
        [8] = 256, [16] = 256, [32] = 256, [64] = 256, [128] = 128, [256] = 64, [512] = 32,
    };

    public int InChannel { get; init; } = 3;
    public IReadOnlyList<CodebookSpec> CodebookParams { get; init; } = [new(64, 1024, 512)];
    public int GtResolution { get; init; } = 256;
    public bool LqStage { get; init; }
    public string NormType { get; init; } = "gn";
    public string ActType { get; init; } = "silu";
    public bool UseQuantize { get; init; } = true;
    /// <summary>Stage-1 semantic loss (official use_semantic_loss): adds conv_semantic, which maps the quantised
    /// features to VGG19 relu4_4 (512 channels). Off by default, so official checkpoints keep exactly their keys.</summary>
    public bool UseSemanticLoss { get; init; }
    public bool UseResidual { get; init; } = true;
    public bool OnlyResidual { get; init; }
    /// <summary>Controllable high-quality prior matching (CHM): distances times exp(alpha * w).</summary>
    public bool UseWeight { get; init; }
    public bool UseWarp { get; init; } = true;
    /// <summary>Default alpha of CHM matching when a call gives none (official constructor default 1.0).</summary>
    public float WeightAlpha { get; init; } = 1.0f;
    /// <summary>Commitment weight of the VQ loss (VectorQuantizer beta, 0.25 in the official code).</summary>
    public float Beta { get; init; } = 0.25f;
    public IReadOnlyDictionary<int, int> ChannelQueryDict { get; init; } = OfficialChannels;
    /// <summary>Swin blocks per RSTB (SwinLayers blk_depth, official 6).</summary>
    public int SwinBlkDepth { get; init; } = 6;
    /// <summary>Number of RSTBs in SwinLayers (official 4).</summary>
    public int SwinNumBlocks { get; init; } = 4;
    public int SwinNumHeads { get; init; } = 8;
    public int SwinWindowSize { get; init; } = 8;
    /// <summary>Latent size the Swin blocks are built for (official input_resolution (32, 32)); decides the shape of
    /// the persisted attn_mask buffers only, other sizes recompute the mask.</summary>
    public int SwinInputResolution { get; init; } = 32;
    /// <summary>Attention of the LQ encoder's transformer blocks (encoder_attention: swin | nat | dinat; issue 13).
    /// Swin is the official network; NAT / DiNAT replace every Swin block by a neighborhood-attention block in the same
    /// place (no shift, no mask; DiNAT dilation rule in <see cref="Bricks.Neighborhood.DinatDilation"/>). The HQ stage
    /// has no transformer blocks, so it ignores this.</summary>
    public EncoderAttention EncoderAttention { get; init; } = EncoderAttention.Swin;
    /// <summary>Neighbourhood size k of the NA blocks (nat_kernel_size, odd; NAT's default 7).</summary>
    public int NatKernelSize { get; init; } = 7;

    /// <summary>The HQ stage (VQGAN of pretrained_HQPs.pth) as the LQ training code builds it.</summary>
    public static VQWeightDehazeNetOptions OfficialHq => new();

    /// <summary>The LQ stage as inference_ridcp.py builds it with --use_weight --alpha -21.25.</summary>
    public static VQWeightDehazeNetOptions OfficialLq => new() { LqStage = true, UseWeight = true, WeightAlpha = -21.25f };

    /// <summary>Number of x2 stages between the image and the codebook (official max_depth = log2(gt_res / scale)).</summary>
    public int MaxDepth
    {
        get
        {
            int ratio = GtResolution / CodebookParams[0].Scale;
            return (int)Math.Round(Math.Log2(ratio));
        }
    }

    /// <summary>Channels of the latent map where the codebook sits (also the Swin embedding dimension).</summary>
    public int LatentChannels => ChannelQueryDict[CodebookParams[0].Scale];

    /// <summary>An LQ net with the residual decoder and its codebook at the encoder's resolution (the official and
    /// the bundled configurations): its forward splits at the latent grid (VQWeightDehazeNet.EncodeLatent and
    /// DecodeLatent, Inference/Streaming).</summary>
    public bool SplitsAtLatent => LqStage && UseResidual && (GtResolution >> MaxDepth) == CodebookParams[0].Scale;

    /// <summary>The multiple test() pads to: one latent pixel is 2^max_depth image pixels and the Swin windows need
    /// whole windows of latent pixels, so 4 * 8 = 32 for the official net (official test(): wsz = 32).</summary>
    public int PadMultiple => (1 << MaxDepth) * SwinWindowSize;

    /// <summary>Upper bounds of the sizes, far above the official network (in brackets) and our small variants, so that
    /// options read from a file cannot ask for a network of many gigabytes (or a recursion deep enough to overflow
    /// the stack) before anything is checked against the weights.</summary>
    public const int MaxInChannel = 16, MaxCodes = 65536 /* 1024 */, MaxCodeDim = 2048 /* 512 */, MaxChannels = 2048 /* 256 */,
        MaxResolution = 4096 /* 256 */, MaxSwinDepth = 64 /* 6 */, MaxSwinBlocks = 64 /* 4 */, MaxSwinHeads = 64 /* 8 */,
        MaxWindow = 64 /* 8 */, MaxSwinInput = 1024 /* 32 */, MaxListNumbers = 64;

    /// <summary>|alpha| above this is refused outright (weight_alpha, --alpha, sweeps, the auto search range): no CHM
    /// weight makes sense of it (the official value is -21.25, the default search range ±60).</summary>
    public const float MaxAbsAlpha = 1000f;

    /// <summary>Largest |alpha * w| accepted for a given CHM weight w: CHM scales each distance by exp(alpha * w), and
    /// float32's exp overflows at 88.7 — beyond ±80 the scaled distances leave float32's normal range and the
    /// matching turns into garbage (a flat or black image) without any error.</summary>
    public const float MaxAlphaTimesWeight = 80f;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent or out-of-range option.</summary>
    public void Validate()
    {
        if (InChannel <= 0 || InChannel > MaxInChannel) throw new ArgumentException($"in_channel must be 1..{MaxInChannel}, got {InChannel}");
        if (CodebookParams.Count != 1)
            throw new ArgumentException($"codebook_params must hold exactly one codebook (RIDCP uses one), got {CodebookParams.Count}");
        var cb = CodebookParams[0];
        if (cb.Scale <= 0 || cb.Size <= 0 || cb.Dim <= 0) throw new ArgumentException($"codebook_params values must be positive, got {cb}");
        if (cb.Scale > MaxResolution || cb.Size > MaxCodes || cb.Dim > MaxCodeDim)
            throw new ArgumentException($"codebook_params {cb} out of range (scale <= {MaxResolution}, size <= {MaxCodes}, dim <= {MaxCodeDim})");
        if (GtResolution > MaxResolution) throw new ArgumentException($"gt_resolution must be at most {MaxResolution}, got {GtResolution}");
        if (GtResolution <= 0 || GtResolution % cb.Scale != 0 || !IsPowerOfTwo(GtResolution / cb.Scale) || GtResolution == cb.Scale)
            throw new ArgumentException($"gt_resolution / codebook scale must be a power of two >= 2, got {GtResolution} / {cb.Scale}");
        for (int i = 0, res = GtResolution; i <= MaxDepth; i++, res /= 2)
            if (!ChannelQueryDict.TryGetValue(res, out int ch) || ch <= 0 || ch > MaxChannels)
                throw new ArgumentException($"channel_query_dict needs a channel count 1..{MaxChannels} for resolution {res}");
        if (SwinBlkDepth <= 0 || SwinNumBlocks <= 0 || SwinNumHeads <= 0 || SwinWindowSize <= 0 || SwinInputResolution <= 0)
            throw new ArgumentException("Swin sizes (blk_depth, num_blocks, num_heads, window_size, input_resolution) must be positive");
        if (SwinBlkDepth > MaxSwinDepth || SwinNumBlocks > MaxSwinBlocks || SwinNumHeads > MaxSwinHeads || SwinWindowSize > MaxWindow || SwinInputResolution > MaxSwinInput)
            throw new ArgumentException(
                $"Swin sizes out of range: blk_depth {SwinBlkDepth} (<= {MaxSwinDepth}), num_blocks {SwinNumBlocks} (<= {MaxSwinBlocks}), " +
                $"num_heads {SwinNumHeads} (<= {MaxSwinHeads}), window_size {SwinWindowSize} (<= {MaxWindow}), input_resolution {SwinInputResolution} (<= {MaxSwinInput})");
        if (LqStage && LatentChannels % SwinNumHeads != 0)
            throw new ArgumentException($"Swin embedding dimension {LatentChannels} is not divisible by {SwinNumHeads} heads");
        if (NatKernelSize < 1 || NatKernelSize % 2 == 0) throw new ArgumentException($"nat_kernel_size must be odd and positive, got {NatKernelSize}");
        if (!Enum.IsDefined(EncoderAttention)) throw new ArgumentException($"encoder_attention {EncoderAttention} is not supported");
        if (!float.IsFinite(WeightAlpha) || Math.Abs(WeightAlpha) > MaxAbsAlpha)
            throw new ArgumentException($"weight_alpha must be a number in [-{MaxAbsAlpha}, {MaxAbsAlpha}], got {WeightAlpha}");
        if (!float.IsFinite(Beta) || Beta < 0) throw new ArgumentException($"beta must be a finite number >= 0, got {Beta}");
        _ = NormType.ToLowerInvariant() is "bn" or "in" or "gn" or "none" ? 0 : throw new ArgumentException($"norm_type '{NormType}' is not supported");
        _ = ActType.ToLowerInvariant() is "relu" or "leakyrelu" or "prelu" or "silu" or "gelu" or "none" ? 0 : throw new ArgumentException($"act_type '{ActType}' is not supported");
    }

    /// <summary>Checks the options against the shapes of the weights meant for them — the first convolution, the
    /// codebook, the number of Swin stages and blocks — so that options that do not describe these weights are refused
    /// before a network is built (the strict load would refuse them too, but only after building it).</summary>
    /// <exception cref="ArgumentException">names the first tensor whose shape or count disagrees</exception>
    public void CheckAgainst(IReadOnlyDictionary<string, long[]> shapes)
    {
        void Expect(string key, long[] want)
        {
            if (shapes.TryGetValue(key, out var got) && !got.SequenceEqual(want))
                throw new ArgumentException($"the options describe {key} as [{string.Join(", ", want)}] but the weights hold [{string.Join(", ", got)}]");
        }
        var cb = CodebookParams[0];
        Expect("quantize_group.0.embedding.weight", [cb.Size, cb.Dim]);
        if (shapes.TryGetValue("multiscale_encoder.in_conv.weight", out var first) && first.Length == 4 && first[1] != InChannel)
            throw new ArgumentException($"in_channel is {InChannel} but multiscale_encoder.in_conv.weight takes {first[1]} channels");
        if (!LqStage) return;
        var stages = new HashSet<string>();
        var blocks = new HashSet<string>();
        foreach (var key in shapes.Keys)
        {
            int at = key.IndexOf(".swin_blks.", StringComparison.Ordinal);
            if (at < 0) continue;
            var rest = key[(at + ".swin_blks.".Length)..].Split('.');
            stages.Add(rest[0]);
            if (rest is [var stage, "residual_group", "blocks", var block, ..] && stage == "0") blocks.Add(block);
        }
        if (stages.Count > 0 && stages.Count != SwinNumBlocks)
            throw new ArgumentException($"swin_num_blocks is {SwinNumBlocks} but the weights hold {stages.Count} Swin stages");
        if (blocks.Count > 0 && blocks.Count != SwinBlkDepth)
            throw new ArgumentException($"swin_blk_depth is {SwinBlkDepth} but the weights hold {blocks.Count} blocks per Swin stage");
    }

    private static bool IsPowerOfTwo(int v) => v > 0 && (v & (v - 1)) == 0;

    /// <summary>Flat form for checkpoints: values are string, int, float, bool or int[]. codebook_params is
    /// flattened row by row ([scale, size, dim, ...]), channel_query_dict as [resolution, channels, ...] pairs.</summary>
    /// <remarks>use_semantic_loss is written only when true, and encoder_attention / nat_kernel_size only for NA
    /// encoders, so files of nets without them are unchanged.</remarks>
    public Dictionary<string, object> ToDictionary()
    {
        var d = Core();
        if (UseSemanticLoss) d["use_semantic_loss"] = true;
        if (EncoderAttention != EncoderAttention.Swin)
        {
            d["encoder_attention"] = EncoderAttention.ToString().ToLowerInvariant();
            d["nat_kernel_size"] = NatKernelSize;
        }
        return d;
    }

    private Dictionary<string, object> Core() => new()
    {
        ["in_channel"] = InChannel,
        ["codebook_params"] = CodebookParams.SelectMany(c => new[] { c.Scale, c.Size, c.Dim }).ToArray(),
        ["gt_resolution"] = GtResolution,
        ["LQ_stage"] = LqStage,
        ["norm_type"] = NormType,
        ["act_type"] = ActType,
        ["use_quantize"] = UseQuantize,
        ["use_residual"] = UseResidual,
        ["only_residual"] = OnlyResidual,
        ["use_weight"] = UseWeight,
        ["use_warp"] = UseWarp,
        ["weight_alpha"] = WeightAlpha,
        ["beta"] = Beta,
        ["channel_query_dict"] = ChannelQueryDict.OrderBy(p => p.Key).SelectMany(p => new[] { p.Key, p.Value }).ToArray(),
        ["swin_blk_depth"] = SwinBlkDepth,
        ["swin_num_blocks"] = SwinNumBlocks,
        ["swin_num_heads"] = SwinNumHeads,
        ["swin_window_size"] = SwinWindowSize,
        ["swin_input_resolution"] = SwinInputResolution,
    };

    /// <summary>Inverse of <see cref="ToDictionary"/>. Missing keys (or a null dictionary) take the official
    /// defaults; numbers may come as any integer or floating type (pickle gives long / double); unknown keys and
    /// ill-typed values are errors, so that a typo in a checkpoint is not silently ignored.</summary>
    public static VQWeightDehazeNetOptions FromDictionary(IReadOnlyDictionary<string, object?>? d)
    {
        var o = new VQWeightDehazeNetOptions();
        if (d is null) return o;
        foreach (var (key, value) in d)
        {
            if (value is null) continue;
            o = key switch
            {
                "in_channel" => o with { InChannel = AsInt(key, value) },
                "codebook_params" => o with { CodebookParams = AsCodebooks(key, value) },
                "gt_resolution" => o with { GtResolution = AsInt(key, value) },
                "LQ_stage" => o with { LqStage = AsBool(key, value) },
                "norm_type" => o with { NormType = AsString(key, value) },
                "act_type" => o with { ActType = AsString(key, value) },
                "use_quantize" => o with { UseQuantize = AsBool(key, value) },
                "use_semantic_loss" => o with { UseSemanticLoss = AsBool(key, value) },
                "use_residual" => o with { UseResidual = AsBool(key, value) },
                "only_residual" => o with { OnlyResidual = AsBool(key, value) },
                "use_weight" => o with { UseWeight = AsBool(key, value) },
                "use_warp" => o with { UseWarp = AsBool(key, value) },
                "weight_alpha" => o with { WeightAlpha = AsFloat(key, value) },
                "beta" => o with { Beta = AsFloat(key, value) },
                "channel_query_dict" => o with { ChannelQueryDict = AsChannelDict(key, value) },
                "swin_blk_depth" => o with { SwinBlkDepth = AsInt(key, value) },
                "swin_num_blocks" => o with { SwinNumBlocks = AsInt(key, value) },
                "swin_num_heads" => o with { SwinNumHeads = AsInt(key, value) },
                "swin_window_size" => o with { SwinWindowSize = AsInt(key, value) },
                "swin_input_resolution" => o with { SwinInputResolution = AsInt(key, value) },
                "encoder_attention" => o with { EncoderAttention = AsAttention(key, value) },
                "nat_kernel_size" => o with { NatKernelSize = AsInt(key, value) },
                _ => throw new ArgumentException($"unknown network option '{key}'"),
            };
        }
        return o;
    }

    private static int AsInt(string key, object v) => v switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        double x when x == Math.Floor(x) && Math.Abs(x) <= int.MaxValue => (int)x,
        float x when x == MathF.Floor(x) && Math.Abs(x) <= int.MaxValue => (int)x,
        short s => s,
        byte b => b,
        _ => throw new ArgumentException($"network option '{key}' must be an integer, got {Describe(v)}"),
    };

    private static float AsFloat(string key, object v) => v switch
    {
        float f => f,
        double x => (float)x,
        int i => i,
        long l => l,
        _ => throw new ArgumentException($"network option '{key}' must be a number, got {Describe(v)}"),
    };

    private static bool AsBool(string key, object v) =>
        v as bool? ?? throw new ArgumentException($"network option '{key}' must be a boolean, got {Describe(v)}");

    private static string AsString(string key, object v) =>
        v as string ?? throw new ArgumentException($"network option '{key}' must be a string, got {Describe(v)}");

    private static EncoderAttention AsAttention(string key, object v) => AsString(key, v).ToLowerInvariant() switch
    {
        "swin" => EncoderAttention.Swin,
        "nat" => EncoderAttention.Nat,
        "dinat" => EncoderAttention.Dinat,
        var x => throw new ArgumentException($"network option '{key}' must be swin, nat or dinat, got '{x}'"),
    };

    private static int[] AsInts(string key, object v)
    {
        if (v is string || v is not IEnumerable e) throw new ArgumentException($"network option '{key}' must be a list of integers, got {Describe(v)}");
        var list = new List<int>();
        foreach (var item in e)
        {
            if (item is IEnumerable and not string)
                foreach (var inner in (IEnumerable)item) list.Add(AsInt(key, inner ?? throw new ArgumentException($"network option '{key}' holds a null")));
            else list.Add(AsInt(key, item ?? throw new ArgumentException($"network option '{key}' holds a null")));
            // A pickle can repeat one list many times at the price of a memo reference: stop before that multiplies.
            if (list.Count > MaxListNumbers) throw new ArgumentException($"network option '{key}' holds more than {MaxListNumbers} numbers");
        }
        return list.ToArray();
    }

    private static IReadOnlyList<CodebookSpec> AsCodebooks(string key, object v)
    {
        var a = AsInts(key, v);
        if (a.Length == 0 || a.Length % 3 != 0) throw new ArgumentException($"network option '{key}' must hold [scale, size, dim] triples, got {a.Length} numbers");
        return Enumerable.Range(0, a.Length / 3).Select(i => new CodebookSpec(a[3 * i], a[3 * i + 1], a[3 * i + 2])).ToArray();
    }

    private static IReadOnlyDictionary<int, int> AsChannelDict(string key, object v)
    {
        var a = AsInts(key, v);
        if (a.Length == 0 || a.Length % 2 != 0) throw new ArgumentException($"network option '{key}' must hold [resolution, channels] pairs, got {a.Length} numbers");
        var d = new SortedDictionary<int, int>();
        for (int i = 0; i < a.Length; i += 2)
            if (!d.TryAdd(a[i], a[i + 1])) throw new ArgumentException($"network option '{key}' names resolution {a[i]} twice");
        return d;
    }

    private static string Describe(object v) => v switch
    {
        IFormattable f => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({v.GetType().Name})",
        _ => v.GetType().Name,
    };

    /// <summary>Value equality, the lists and the channel table compared element by element.</summary>
    public bool Equals(VQWeightDehazeNetOptions? other) =>
        other is not null && InChannel == other.InChannel && CodebookParams.SequenceEqual(other.CodebookParams)
        && GtResolution == other.GtResolution && LqStage == other.LqStage && NormType == other.NormType
        && ActType == other.ActType && UseQuantize == other.UseQuantize && UseSemanticLoss == other.UseSemanticLoss && UseResidual == other.UseResidual
        && OnlyResidual == other.OnlyResidual && UseWeight == other.UseWeight && UseWarp == other.UseWarp
        && WeightAlpha.Equals(other.WeightAlpha) && Beta.Equals(other.Beta)
        && ChannelQueryDict.OrderBy(p => p.Key).SequenceEqual(other.ChannelQueryDict.OrderBy(p => p.Key))
        && SwinBlkDepth == other.SwinBlkDepth && SwinNumBlocks == other.SwinNumBlocks && SwinNumHeads == other.SwinNumHeads
        && SwinWindowSize == other.SwinWindowSize && SwinInputResolution == other.SwinInputResolution
        && EncoderAttention == other.EncoderAttention && NatKernelSize == other.NatKernelSize;

    public override int GetHashCode() => HashCode.Combine(GtResolution, LqStage, UseWeight, WeightAlpha, CodebookParams.Count > 0 ? CodebookParams[0] : default);
}
