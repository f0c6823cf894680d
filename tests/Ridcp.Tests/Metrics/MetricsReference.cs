using Xunit;
using System.Text.Json;

namespace Ridcp.Tests.Metrics;

/// <summary>shared metrics-ref/reference-values.json (copied to Fixtures/metrics): values of the original LIVE releases
/// and BasicSR, with the tolerance each value must be met within.</summary>
public static class MetricsReference
{
    static readonly Lazy<JsonDocument> Doc = new(() => JsonDocument.Parse(File.ReadAllText(Fixture.File("metrics", "reference-values.json"))));

    public static string Image(string fileName) => Fixture.File("metrics", "images", fileName);

    /// <summary>images[i].metric for the image whose path ends with /fileName: (value, tolerance_abs, well_conditioned).</summary>
    public static (double Value, double Tolerance, bool WellConditioned) NoReference(string fileName, string metric)
    {
        var e = ImageEntry(fileName).GetProperty(metric);
        return (e.GetProperty("value").GetDouble(), e.GetProperty("tolerance_abs").GetDouble(), e.GetProperty("well_conditioned").GetBoolean());
    }

    public static JsonElement ImageEntry(string fileName) =>
        Doc.Value.RootElement.GetProperty("images").EnumerateArray()
           .Single(i => i.GetProperty("image").GetString()!.EndsWith("/" + fileName, StringComparison.Ordinal));

    /// <summary>pairs[i].metrics[key] for the synthetic pair named fileName.</summary>
    public static double Pair(string fileName, string key) =>
        Doc.Value.RootElement.GetProperty("pairs").EnumerateArray()
           .Single(p => p.GetProperty("image").GetString()!.EndsWith("/" + fileName, StringComparison.Ordinal))
           .GetProperty("metrics").GetProperty(key).GetDouble();

    /// <summary>Fixture images with FADE/NIQE/BRISQUE reference values.</summary>
    public static TheoryData<string> NoReferenceImages() =>
    [
        "lxqt_fog.jpg", "plasma_darkesthour.jpg", "enlightenment_foggy-trees.jpg", "opencv_aero3.jpg",
        "budgie_oakland-zoo-otters.jpg", "gray8_budgie_lake-sherburne.png", "rgb16_budgie_lake-sherburne_hazy.png",
    ];
}
