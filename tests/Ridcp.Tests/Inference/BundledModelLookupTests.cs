using Ridcp.Inference;
using Ridcp.Tests.Checkpoints;
using Xunit;

namespace Ridcp.Tests.Inference;

/// <summary>Where the bundled model is found (issue 11 item 5): by folder and file name, next to the program first —
/// where a published build or an installed tool carries it — then above it (the repository). The full check, a packed
/// and installed tool dehazing from an unrelated folder, is .ci/tool-install-check (minutes: it packs the tool).</summary>
public class BundledModelLookupTests : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    string Touch(string relative)
    {
        string path = tmp.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0]);
        return path;
    }

    [Fact]
    public void The_build_output_carries_the_model_files_next_to_the_program_as_a_tool_package_does()
    {
        // The CLI project copies models/ridcp-small into its output (and so into this test project's output): the
        // first place BundledModel looks, which is the only one an installed tool has.
        foreach (var name in new[] { BundledModel.WeightsFileName, BundledModel.ChmWeightFileName, "chm_weight.p1.json" })
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, BundledModel.FolderRelativePath, name)), name);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, BundledModel.RelativePath), BundledModel.Resolve());
    }

    [Fact]
    public void The_folder_next_to_the_program_wins_over_one_above_it()
    {
        string near = Touch("tools/app/" + BundledModel.RelativePath);
        Touch(BundledModel.RelativePath);
        Assert.Equal(near, BundledModel.Resolve(tmp.File("tools/app")));
    }

    [Fact]
    public void Without_weights_the_options_get_the_bundled_weights_and_where_alpha_is_asked_the_bundled_chm_weight()
    {
        string weights = Touch(BundledModel.RelativePath), chm = Touch(BundledModel.ChmWeightRelativePath);
        var plain = BundledModel.Complete(new DehazerOptions { WeightsPath = "" }, needsChm: false, tmp.Path);
        Assert.Equal((weights, (string?)null), (plain.WeightsPath, plain.ChmWeightPath));
        var withAlpha = BundledModel.Complete(new DehazerOptions { WeightsPath = "" }, needsChm: true, tmp.Path);
        Assert.Equal((weights, chm), (withAlpha.WeightsPath, withAlpha.ChmWeightPath!));
    }

    [Fact]
    public void Given_weights_never_get_the_bundled_chm_weight()
    {
        Touch(BundledModel.RelativePath); Touch(BundledModel.ChmWeightRelativePath);
        var options = BundledModel.Complete(new DehazerOptions { WeightsPath = "other.pth" }, needsChm: true, tmp.Path);
        Assert.Null(options.ChmWeightPath);
    }

    [Fact]
    public void A_bundled_model_without_its_chm_weight_names_the_missing_file()
    {
        Touch(BundledModel.RelativePath);
        var e = Assert.Throws<FileNotFoundException>(() => BundledModel.Complete(new DehazerOptions { WeightsPath = "" }, needsChm: true, tmp.Path));
        Assert.Contains(BundledModel.ChmWeightRelativePath, e.Message);
    }
}
