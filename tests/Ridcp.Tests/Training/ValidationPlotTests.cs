using Ridcp.Training;
using Xunit;

namespace Ridcp.Tests.Training;

public class ValidationPlotTests
{
    [Fact]
    public void The_curves_of_several_runs_go_into_one_png_and_the_csv_files_stay_untouched()
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        var runs = new[] { "swin-s0", "nat-s0" }.Select(n => Path.Combine(root, n)).ToArray();
        foreach (var (dir, i) in runs.Select((d, i) => (d, i)))
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "validation.csv"), $"iter,psnr,ssim\n8,{14 + i},0.5\n16,{15 + i},0.55\n");
        }
        string before = File.ReadAllText(Path.Combine(runs[0], "validation.csv"));
        Assert.Equal([(8L, 14.0), (16L, 15.0)], ValidationPlot.Read(runs[0], "psnr"));
        string png = Path.Combine(root, "psnr.png");
        ValidationPlot.Write(runs, "psnr", png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        Assert.Equal(before, File.ReadAllText(Path.Combine(runs[0], "validation.csv")));
        var e = Assert.Throws<ArgumentException>(() => ValidationPlot.Write(runs, "lpips", png));
        Assert.Contains("no column 'lpips'", e.Message);
    }
}
