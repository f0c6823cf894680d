namespace Ridcp.Losses;

/// <summary>Finds the ResNet18 ONNX model of NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1
/// (restored into the NuGet package folder by the library's PackageReference) and converts it once into a
/// cached TorchSharp module file. Lookup order: environment RIDCP_RESNET18_ONNX (the .onnx file), then
/// NUGET_PACKAGES, then ~/.nuget/packages. Cache folder: RIDCP_CACHE_DIR, else the user's local application
/// data folder + /ridcp.</summary>
public static class ResNet18Weights
{
    private const string PackageId = "microsoft.ml.dnnimagefeaturizer.resnet18";
    private const string PackageVersion = "0.23.1";
    private const string ModelRelative = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    private const string PreprocessRelative = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";
    private const string CacheFile = "resnet18-featurizer-0.23.1.ts";

    public static string CacheDir()
    {
        string? env = Environment.GetEnvironmentVariable("RIDCP_CACHE_DIR");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        if (string.IsNullOrEmpty(local)) local = Path.Combine(Path.GetTempPath(), "ridcp-cache");
        return Path.Combine(local, "ridcp");
    }

    /// <summary>The .onnx path, or null when the package is not restored.</summary>
    public static string? FindOnnx()
    {
        string? env = Environment.GetEnvironmentVariable("RIDCP_RESNET18_ONNX");
        if (!string.IsNullOrWhiteSpace(env)) return File.Exists(env) ? env : null;
        foreach (var root in PackageRoots())
        {
            string p = Path.Combine(root, PackageId, PackageVersion, ModelRelative);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static IEnumerable<string> PackageRoots()
    {
        string? np = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrWhiteSpace(np)) yield return np;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) yield return Path.Combine(home, ".nuget", "packages");
    }

    /// <summary>Loads the converted net from the cache, converting the ONNX model first if needed.</summary>
    public static (OnnxFeatureNet Net, string Source) Load()
    {
        string cache = Path.Combine(CacheDir(), CacheFile);
        if (File.Exists(cache) && File.Exists(cache + ".json"))
        {
            try { return (OnnxFeatureNet.LoadCache(cache), "cached " + cache); }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or System.Text.Json.JsonException)
            { /* a stale or damaged cache is rebuilt below */ }
        }
        string onnx = FindOnnx() ?? throw new FileNotFoundException(
            $"ResNet18 ONNX model not found: restore NuGet package {PackageId} {PackageVersion} (dotnet restore) or set RIDCP_RESNET18_ONNX; or give LPIPS weights");
        string prep = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(onnx)!)!, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        var net = OnnxFeatureNet.FromOnnx(onnx, prep);
        try { Directory.CreateDirectory(CacheDir()); net.SaveCache(cache); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* works without a cache, just slower next time */ }
        return (net, "converted from " + onnx);
    }
}
