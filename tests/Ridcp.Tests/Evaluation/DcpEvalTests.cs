using Xunit;
using System.Text.Json;
using Ridcp.Cli;
using Ridcp.Tests.Metrics;

namespace Ridcp.Tests.Evaluation;

/// <summary>Done-when of issue 7: `ridcp dehaze --method dcp` on real hazy photos lowers FADE relative to the input,
/// checked by `ridcp eval`.</summary>
public class DcpEvalTests
{
    [Fact]
    public void Dcp_method_refuses_network_options()
    {
        using var f = new EvalFolders();
        File.Copy(MetricsReference.Image("opencv_aero3.jpg"), Path.Combine(f.Input, "a.jpg"));
        var r = EvalCliRun.Invoke("dehaze", "--method", "dcp", "--alpha", "0.3", f.Input, "-o", f.Pred);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("--method ridcp", r.Err);
    }

    [Fact]
    public void Dcp_outputs_of_real_hazy_photos_have_lower_fog_density_than_their_inputs_in_ridcp_eval()
    {
        using var f = new EvalFolders();
        string[] photos = ["lxqt_fog.jpg", "enlightenment_foggy-trees.jpg", "opencv_aero3.jpg"];
        foreach (var p in photos) File.Copy(MetricsReference.Image(p), Path.Combine(f.Input, p));
        var dehaze = EvalCliRun.Invoke("dehaze", "--method", "dcp", f.Input, "-o", f.Pred);
        Assert.Equal(ExitCodes.Ok, dehaze.ExitCode);
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
