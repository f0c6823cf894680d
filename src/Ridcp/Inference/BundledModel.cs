namespace Ridcp.Inference;

/// <summary>The small model shipped with Ridcp.NET (models/ridcp-small/), used where a command is given no weights.
/// Its files are found by folder and file name, never by content, so a retrained model with the same names drops in.
/// The folder is looked for next to the program first (a published build or an installed tool carries it there:
/// src/Ridcp.Cli/Ridcp.Cli.csproj copies it) and then in each folder above (running from the repository).</summary>
public static class BundledModel
{
    public const string FolderRelativePath = "models/ridcp-small";
    public const string WeightsFileName = "ridcp.pth";
    /// <summary>The CHM weight |p1 − p2| of the bundled model (`ridcp chm weight` output).</summary>
    public const string ChmWeightFileName = "chm_weight.pth";

    /// <summary>models/ridcp-small/ridcp.pth, as help texts name it.</summary>
    public const string RelativePath = FolderRelativePath + "/" + WeightsFileName;
    public const string ChmWeightRelativePath = FolderRelativePath + "/" + ChmWeightFileName;

    /// <summary>The places searched for the weights, in order: next to the program, then each parent folder.</summary>
    public static IEnumerable<string> Candidates(string? startDir = null)
    {
        var dir = new DirectoryInfo(startDir ?? AppContext.BaseDirectory);
        for (; dir is not null; dir = dir.Parent) yield return Path.Combine(dir.FullName, RelativePath);
    }

    /// <summary>The bundled network checkpoint; <see cref="FileNotFoundException"/> naming what to pass instead.</summary>
    public static string Resolve(string? startDir = null) =>
        Candidates(startDir).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException(
            $"no --weights given and the bundled model '{RelativePath}' was not found next to the program or in a folder above it; pass --weights FILE (e.g. the official pretrained_RIDCP.pth)");

    /// <summary>The stage-1 VQGAN the bundled dehazer was trained from (`ridcp reconstruct`'s default).</summary>
    public const string VqganFileName = "vqgan.pth";

    /// <summary>The CHM weight beside the bundled checkpoint (its clear statistics p1 sit beside it in turn,
    /// <see cref="Matching.ChmWeight.ClearStatisticsPath"/>).</summary>
    public static string ResolveChmWeight(string? startDir = null) => Beside(ChmWeightFileName, "--chm-weight", startDir);

    /// <summary>The bundled stage-1 VQGAN.</summary>
    public static string ResolveVqgan(string? startDir = null) => Beside(VqganFileName, "--weights", startDir);

    /// <summary>A file of the bundled model's folder, or one error line naming the option to pass instead.</summary>
    static string Beside(string fileName, string option, string? startDir)
    {
        string path = Path.Combine(Path.GetDirectoryName(Resolve(startDir))!, fileName);
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"the bundled model has no '{FolderRelativePath}/{fileName}'; pass {option} FILE", path);
    }

    /// <summary>Fills in the bundled files where <paramref name="options"/> names none: the weights when
    /// <see cref="DehazerOptions.WeightsPath"/> is empty and, for the bundled weights only, the CHM weight when
    /// <paramref name="needsChm"/> (a fixed α, auto α or an α sweep). Another model's CHM weight is its own: with
    /// --weights given, a missing --chm-weight stays an error.</summary>
    public static DehazerOptions Complete(DehazerOptions options, bool needsChm, string? startDir = null)
    {
        if (options.WeightsPath != "") return options;
        options = options with { WeightsPath = Resolve(startDir) };
        if (needsChm && options.ChmWeightPath is null) options = options with { ChmWeightPath = ResolveChmWeight(startDir) };
        return options;
    }
}
