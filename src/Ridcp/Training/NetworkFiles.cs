using Ridcp.Checkpoints;
using Ridcp.Losses;
using Ridcp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>The network files of a run, in PyTorch format (torch.load opens them): a generator file is
/// <c>{"params": state_dict, "ridcp_arch": {...VQWeightDehazeNetOptions.ToDictionary()}}</c>, so
/// <c>ridcp dehaze --weights</c> can rebuild the net; a discriminator file is
/// <c>{"params": state_dict, "d_arch": {num_in_ch, num_feat, skip_connection}}</c>.</summary>
public static class NetworkFiles
{
    public const string ArchKey = "ridcp_arch";
    public const string DiscriminatorArchKey = "d_arch";

    public static void WriteGenerator(string path, VQWeightDehazeNet net)
    {
        var arch = new CheckpointDict();
        foreach (var (k, v) in net.Options.ToDictionary()) arch.Add(k, v is int[] a ? a.Select(x => (object?)(long)x).ToList() : v);
        var root = new CheckpointDict();
        root.Add("params", StateDictOf(net));
        root.Add(ArchKey, arch);
        CheckpointWriter.Write(path, root);
    }

    public static void WriteDiscriminator(string path, UNetDiscriminatorSN net, bool skipConnection)
    {
        var arch = new CheckpointDict();
        arch.Add("num_in_ch", (long)net.NumInCh);
        arch.Add("num_feat", (long)net.NumFeat);
        arch.Add("skip_connection", skipConnection);
        var root = new CheckpointDict();
        root.Add("params", StateDictOf(net));
        root.Add(DiscriminatorArchKey, arch);
        CheckpointWriter.Write(path, root);
    }

    private static CheckpointDict StateDictOf(nn.Module net)
    {
        var sd = new CheckpointDict(isOrderedDict: true);
        foreach (var (k, v) in net.state_dict()) sd.Add(k, v);
        return sd;
    }

    /// <summary>The architecture options stored in a generator file, or null for files without them (official ones).</summary>
    public static VQWeightDehazeNetOptions? ReadArch(Checkpoint ckpt)
    {
        if (ckpt.Root is not CheckpointDict root || !root.TryGetValue(ArchKey, out var a) || a is not CheckpointDict arch) return null;
        return VQWeightDehazeNetOptions.FromDictionary(arch.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Loads a generator or discriminator file's params into a module.</summary>
    public static LoadReport LoadParams(string path, nn.Module net, bool strict)
    {
        using var ckpt = TorchCheckpoint.Load(path);
        using var sd = TorchCheckpoint.StateDictOf(ckpt);
        return StateDictLoader.Load(net, sd, strict);
    }
}
