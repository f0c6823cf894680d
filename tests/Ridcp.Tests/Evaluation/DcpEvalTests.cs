using Xunit;
using System.Text.Json;
using Ridcp.Baselines;
using Ridcp.Cli;
using Ridcp.Imaging;
using Ridcp.Tests.Metrics;

namespace Ridcp.Tests.Evaluation;

/// <summary>Done-when of issue 7: DCP dehazing of real hazy photos lowers FADE relative to the input, as `ridcp eval`
/// reports it.</summary>
public class DcpEvalTests
{
    [Fact]
    public void Dcp_outputs_of_real_hazy_photos_have_lower_fog_density_than_their_inputs_in_ridcp_eval()
    {
        using var f = new EvalFolders();
        string[] photos = ["lxqt_fog.jpg", "enlightenment_foggy-trees.jpg", "opencv_aero3.jpg"];
        foreach (var p in photos)
        {
            File.Copy(MetricsReference.Image(p), Path.Combine(f.Input, p));
            var dehazed = DarkChannelPrior.Dehaze(ImageFile.Read(MetricsReference.Image(p)));
            ImageFile.Write(dehazed, Path.Combine(f.Pred, Path.ChangeExtension(p, ".png")));
        }
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--input", f.Input, "--metrics", "fade", "-o", f.Report);
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(f.Report + ".json"));
        var rows = json.RootElement.GetProperty("per_image").EnumerateArray().ToList();
        Assert.Equal(photos.Length, rows.Count);
        foreach (var row in rows)
        {
            double output = row.GetProperty("scores").GetProperty("fade").GetDouble();
            double input = row.GetProperty("input_scores").GetProperty("fade").GetDouble();
            Assert.True(output < input, $"{row.GetProperty("file")}: FADE {input} -> {output}");
        }
        var fade = json.RootElement.GetProperty("summary").GetProperty("fade");
        Assert.True(fade.GetProperty("mean").GetDouble() < fade.GetProperty("input").GetProperty("mean").GetDouble());
    }
}
