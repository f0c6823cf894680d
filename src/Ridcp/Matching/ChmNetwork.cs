using Ridcp.Checkpoints;
using Ridcp.Core;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>A network loaded for CHM statistics and the α search: the HQ VQGAN (stage "hq": p1 from clear images)
/// or the dehazer (stage "lq": p2 and the α search on hazy images). Matching is done outside the network on its
/// pre-quantisation features, so the network's own CHM weight and α do not matter here.</summary>
public sealed class ChmNetwork : IDisposable
{
    readonly VQWeightDehazeNet net;
    readonly Device device;

    ChmNetwork(VQWeightDehazeNet net, Device device, int maxSize, IReadOnlyList<string> notes)
    {
        this.net = net; this.device = device; MaxSize = maxSize; LoadNotes = notes;
    }

    public int MaxSize { get; }
    public IReadOnlyList<string> LoadNotes { get; }
    public VQWeightDehazeNetOptions Architecture => net.Options;
    /// <summary>The codebook [K,D] (quantize_group.0.embedding.weight).</summary>
    public Tensor Codebook => net.Quantizer.Codebook;

    /// <param name="stage">"hq" for the VQGAN of the first training stage, "lq" for the dehazer.</param>
    public static ChmNetwork Load(string weightsPath, string stage, int maxSize = MaxSizeRule.OfficialMaxSize, string device = "cpu")
    {
        bool lq = stage switch
        {
            "lq" => true,
            "hq" => false,
            _ => throw new ArgumentException($"stage must be hq or lq, got '{stage}'"),
        };
        if (maxSize < 1) throw new ArgumentException($"max size must be at least 1, got {maxSize}");
        var dev = Devices.Parse(device);
        using var checkpoint = NetworkFile.Read(weightsPath);
        var notes = new List<string>();
        var arch = checkpoint.Architecture ?? (lq ? VQWeightDehazeNetOptions.OfficialLq : VQWeightDehazeNetOptions.OfficialHq);
        notes.Add(checkpoint.Architecture is null ? $"official {stage.ToUpperInvariant()} configuration" : "architecture options from the checkpoint");
        if (arch.LqStage != lq)
            throw new InvalidDataException($"{weightsPath} holds the {(arch.LqStage ? "LQ (dehazer)" : "HQ (VQGAN)")} stage, --stage {stage} needs the {(lq ? "LQ" : "HQ")} one");
        // accept a checkpoint with or without a CHM weight under a strict load; it is not used here
        var (net, report) = checkpoint.Build(arch with { UseWeight = checkpoint.HasChmWeight }, strict: true);
        notes.Add("keys: " + report.Describe());
        net.eval();
        net.to(dev);
        return new ChmNetwork(net, dev, maxSize, notes);
    }

    /// <summary>Pre-quantisation features of one image (see <see cref="NetworkFeatures.Of"/>).</summary>
    public Tensor Features(RgbImage image)
    {
        using var scope = NewDisposeScope();
        var x = image.ToTensor(device);
        return NetworkFeatures.Of(net, x, MaxSize).MoveToOuterDisposeScope();
    }

    public void Dispose() => net.Dispose();
}
