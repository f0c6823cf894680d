using Ridcp.Checkpoints;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference;

/// <summary>How the dehazer loads checkpoints and CHM weights (small network), and that it keeps no tensors.</summary>
public class DehazerTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-dehazer-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);
    string P(string name) => Path.Combine(dir, name);

    string ChmFile(string name, long size)
    {
        using var t = linspace(-0.01, 0.01, size);
        CheckpointWriter.WriteTensor(P(name), t);
        return P(name);
    }

    static RgbImage Image(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)((i * 29 % 97) / 96.0);
        return img;
    }

    [Fact]
    public void A_separate_chm_weight_may_stand_in_for_the_one_missing_from_the_checkpoint()
    {
        string ck = TestCheckpoints.WriteSmall(P("nochm.pth"), sd => sd.Remove(Dehazer.ChmWeightKey));
        using var d = Dehazer.Load(new DehazerOptions { WeightsPath = ck, ChmWeightPath = ChmFile("chm.pth", 64) });
        Assert.Equal(Dehazer.OfficialAlpha, d.Alpha);
        Assert.Contains(d.LoadNotes, n => n.Contains("taken from") && n.Contains("chm.pth"));
    }

    [Fact]
    public void Without_any_chm_weight_the_net_is_built_for_plain_matching()
    {
        string ck = TestCheckpoints.WriteSmall(P("nochm.pth"), sd => sd.Remove(Dehazer.ChmWeightKey));
        using var d = Dehazer.Load(new DehazerOptions { WeightsPath = ck });
        Assert.Equal(0f, d.Alpha);
        Assert.False(d.Architecture.UseWeight);
    }

    [Fact]
    public void Alpha_zero_equals_plain_matching()
    {
        string ck = TestCheckpoints.WriteSmall(P("small.pth"));
        using var plain = Dehazer.Load(new DehazerOptions { WeightsPath = ck });
        using var zero = Dehazer.Load(new DehazerOptions { WeightsPath = ck, ChmWeightPath = ChmFile("chm.pth", 64), Alpha = 0 });
        using var chm = Dehazer.Load(new DehazerOptions { WeightsPath = ck, ChmWeightPath = ChmFile("chm2.pth", 64), Alpha = -200 });
        var img = Image(40, 35);
        Assert.Equal(plain.Dehaze(img).Data, zero.Dehaze(img).Data);
        Assert.NotEqual(plain.Dehaze(img).Data, chm.Dehaze(img).Data);
    }

    [Fact]
    public void A_chm_weight_of_the_wrong_size_is_refused_naming_the_file()
    {
        string ck = TestCheckpoints.WriteSmall(P("small.pth"));
        var e = Assert.Throws<InvalidDataException>(() => Dehazer.Load(new DehazerOptions { WeightsPath = ck, ChmWeightPath = ChmFile("chm1024.pth", 1024) }));
        Assert.Contains("chm1024.pth", e.Message);
    }

    [Fact]
    public void Non_strict_loading_reports_what_it_skipped()
    {
        string ck = TestCheckpoints.WriteSmall(P("extra.pth"), sd => sd["stray.weight"] = ones(3));
        Assert.Throws<CheckpointMismatchException>(() => Dehazer.Load(new DehazerOptions { WeightsPath = ck }));
        using var d = Dehazer.Load(new DehazerOptions { WeightsPath = ck, Strict = false });
        Assert.Contains(d.LoadNotes, n => n.Contains("stray.weight"));
    }

    [Fact]
    public void Images_under_16_pixels_a_side_are_refused_clearly()
    {
        using var d = Dehazer.Load(new DehazerOptions { WeightsPath = TestCheckpoints.WriteSmall(P("small.pth")) });
        Assert.Contains("too small", Assert.Throws<InvalidDataException>(() => d.Dehaze(Image(40, 15))).Message);
        Assert.Equal(16, d.Dehaze(Image(40, 16)).Height);
    }

    [Fact]
    public void Dehazing_leaves_no_live_tensors_behind()
    {
        using var d = Dehazer.Load(new DehazerOptions { WeightsPath = TestCheckpoints.WriteSmall(P("small.pth")), ChmWeightPath = ChmFile("chm.pth", 64) });
        var img = Image(50, 37);
        d.Dehaze(img);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++) d.Dehaze(img);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
