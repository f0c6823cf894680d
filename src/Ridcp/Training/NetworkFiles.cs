using Ridcp.Checkpoints;
using Ridcp.Losses;
using Ridcp.Models;

namespace Ridcp.Training;

/// <summary>The discriminator file of a run, in PyTorch format (torch.load opens it):
/// <c>{"params": state_dict, "d_arch": {num_in_ch, num_feat, skip_connection}}</c>. Generator files are
/// <see cref="NetworkFile"/>'s (the one reader and writer of RIDCP network files).</summary>
public static class NetworkFiles
{
    public const string DiscriminatorArchKey = "d_arch";

    public static void WriteDiscriminator(string path, UNetDiscriminatorSN net, bool skipConnection)
    {
        var arch = new CheckpointDict();
        arch.Add("num_in_ch", (long)net.NumInCh);
        arch.Add("num_feat", (long)net.NumFeat);
        arch.Add("skip_connection", skipConnection);
        var root = new CheckpointDict();
        root.Add("params", NetworkFile.StateDictOf(net));
        root.Add(DiscriminatorArchKey, arch);
        CheckpointWriter.Write(path, root);
    }
}
