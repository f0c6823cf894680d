using System.CommandLine;
using Ridcp.Inference;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp reconstruct INPUT -o OUTPUT`: a clear photo through the stage-1 VQGAN (encoder, nearest codes,
/// decoder). What comes back is what the codebook priors can represent; colours it loses, the dehazer's code branch
/// cannot produce either.</summary>
public static class ReconstructCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "An image or a folder of images (clear photos)" };
        var output = new Option<string>("--output", "-o") { Description = "Output image, or a folder when INPUT is a folder", Required = true };
        var weights = new Option<string?>("--weights") { Description = $"Stage-1 (HQ VQGAN) checkpoint; default: the bundled {BundledModel.FolderRelativePath}/{BundledModel.VqganFileName}" };
        var device = CommonOptions.Device();
        var verbose = CommonOptions.Verbose();
        var cmd = new Command("reconstruct", "Run clear photos through a stage-1 VQGAN (what the codebook priors can represent)");
        cmd.Arguments.Add(input);
        foreach (var o in new Option[] { output, weights, device, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            bool v = parse.GetValue(verbose);
            IReadOnlyList<DehazeItem> items;
            Dehazer net;
            try
            {
                string path = parse.GetValue(weights) ?? BundledModel.ResolveVqgan();
                items = DehazePlan.Make(parse.GetValue(input)!, parse.GetValue(output)!);
                net = Dehazer.Load(new DehazerOptions { WeightsPath = path, Stage1Reconstruction = true, Device = parse.GetValue(device) ?? "cpu" });
            }
            catch (Exception e) { return CliErrors.Report(parse, e, v); }
            using (net)
            {
                DehazeCommand.Runner run = (its, done, _) => DehazeRun.Run(its, net.Dehaze, done, 8);
                if (!DehazePlan.IsFolder(parse.GetValue(input)!)) return DehazeCommand.RunOne(parse, run, items[0], v, () => "");
                return DehazeCommand.RunFolder(parse, run, items, v, () => "", ("reconstructing", "reconstructed"));
            }
        });
        return cmd;
    }
}
