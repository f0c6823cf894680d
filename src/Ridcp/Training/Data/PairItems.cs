using Ridcp.Imaging;
using Ridcp.Synthesis;

namespace Ridcp.Training.Data;

/// <summary>The clear photos of stage 2 with their depth, as SynthesisPairSource.LoadFolder builds them, but shrunk to
/// max_side first (the depth map or prior then follows the shrunk photo). Sorted by file name.</summary>
public static class PairItems
{
    public static List<PairSourceItem> Load(string clearDir, string? depthDir, DepthPrior? prior, int maxSide)
    {
        if (!Directory.Exists(clearDir)) throw new DirectoryNotFoundException($"image folder not found: {clearDir}");
        var list = new List<PairSourceItem>();
        foreach (var path in Directory.EnumerateFiles(clearDir).Where(ImageFile.IsImagePath).Order(StringComparer.Ordinal))
        {
            var img = Downscale.ToMaxSide(ImageFile.Read(path), maxSide);
            float[]? depth = null;
            var kind = DepthKind.Inverse;
            if (depthDir is not null)
            {
                var map = DepthMapFile.Read(SynthesisJob.FindDepth(depthDir, path));
                var values = map.Width == img.Width && map.Height == img.Height ? map.Values
                    : Resampling.Bilinear(map.Values, map.Width, map.Height, img.Width, img.Height);
                depth = new DepthMap(img.Width, img.Height, values).Normalised(DepthKind.Inverse);
            }
            else if (prior is { } p)
            {
                kind = DepthKind.Depth;
                if (DepthPriors.IsDeterministic(p)) depth = DepthPriors.Make(p, img, new SynthesisRng(0));
            }
            list.Add(new PairSourceItem(Path.GetFileName(path), img, depth, kind));
        }
        if (list.Count == 0) throw new FileNotFoundException($"no images in {clearDir}");
        return list;
    }
}
