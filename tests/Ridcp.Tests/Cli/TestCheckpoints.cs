using Ridcp.Checkpoints;
using Ridcp.Inference;
using Ridcp.Models;
using Ridcp.Tests.Parity;
using static TorchSharp.torch;

namespace Ridcp.Tests.Cli;

/// <summary>Checkpoints for CLI tests, written with the project's writer: a small LQ network (fast on a CPU) in our
/// layout (options under 'ridcp_arch'), and the official configuration in the official layout ('params' only).
/// Weights follow the deterministic parity generator.</summary>
static class TestCheckpoints
{
    /// <summary>A small LQ net: one codebook of 64 codes x 32 dims at 1/4 resolution, 32 channels everywhere
    /// (GroupNorm's 32 groups), one RSTB of two Swin blocks. Pads to multiples of 32 like the official net.</summary>
    public static VQWeightDehazeNetOptions Small => new()
    {
        LqStage = true,
        UseWeight = true,
        WeightAlpha = Dehazer.OfficialAlpha,
        GtResolution = 32,
        CodebookParams = [new CodebookSpec(8, 64, 32)],
        ChannelQueryDict = new Dictionary<int, int> { [8] = 32, [16] = 32, [32] = 32 },
        SwinBlkDepth = 2,
        SwinNumBlocks = 1,
        SwinNumHeads = 2,
        SwinWindowSize = 8,
        SwinInputResolution = 8,
    };

    /// <summary>The state dict of a net built from <paramref name="options"/> and filled by the parity generator.</summary>
    public static Dictionary<string, Tensor> StateDict(VQWeightDehazeNetOptions options)
    {
        using var net = new VQWeightDehazeNet(options);
        DeterministicWeights.Fill(net);
        return net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    /// <summary>Writes a checkpoint; <paramref name="edit"/> may damage the state dict first; <paramref name="arch"/>
    /// null writes the official layout (no options).</summary>
    public static string Write(string path, VQWeightDehazeNetOptions net, VQWeightDehazeNetOptions? arch,
                               Action<Dictionary<string, Tensor>>? edit = null)
    {
        using var scope = NewDisposeScope();
        var sd = StateDict(net);
        edit?.Invoke(sd);
        var root = new Dictionary<string, object?> { ["params"] = sd };
        if (arch is not null) root[Dehazer.ArchKey] = arch.ToDictionary();
        CheckpointWriter.Write(path, root);
        return path;
    }

    public static string WriteSmall(string path, Action<Dictionary<string, Tensor>>? edit = null) => Write(path, Small, Small, edit);
}
