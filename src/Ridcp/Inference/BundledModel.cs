namespace Ridcp.Inference;

/// <summary>Where `ridcp dehaze` looks for weights when --weights is not given: one path, relative to the
/// application's folder or to the repository root above it (the model is bundled in the repo).</summary>
public static class BundledModel
{
    public const string RelativePath = "models/ridcp-small/ridcp.pth";

    /// <summary>The places searched, in order: next to the executable, then each parent folder up to the root.</summary>
    public static IEnumerable<string> Candidates(string? startDir = null)
    {
        var dir = new DirectoryInfo(startDir ?? AppContext.BaseDirectory);
        for (; dir is not null; dir = dir.Parent) yield return Path.Combine(dir.FullName, RelativePath);
    }

    public static string Resolve(string? startDir = null) =>
        Candidates(startDir).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException(
            $"no --weights given and the bundled model '{RelativePath}' was not found next to the program or in a folder above it; pass --weights FILE (e.g. the official pretrained_RIDCP.pth)");
}
