using Ridcp.Training;
using Xunit;

namespace Ridcp.Tests.Training;

public class LossLogTests
{
    [Fact]
    public void Resume_drops_rows_after_the_checkpoint_and_new_terms_add_columns()
    {
        using var tempFolder = new TempFolder();
        string path = tempFolder.File("losses.csv");
        var log = new LossLog(path);
        log.Append(1, new Dictionary<string, double> { ["l_pix"] = 0.5 });
        log.Append(2, new Dictionary<string, double> { ["l_pix"] = 0.25, ["l_d_real"] = 1 });
        log.Append(3, new Dictionary<string, double> { ["l_pix"] = 0.125 });
        Assert.Equal(["iter,l_pix,l_d_real", "1,0.5,", "2,0.25,1", "3,0.125,"], File.ReadAllLines(path));
        var resumed = LossLog.Resume(path, upToIter: 2);
        Assert.Equal(["iter,l_pix,l_d_real", "1,0.5,", "2,0.25,1"], File.ReadAllLines(path));
        resumed.Append(3, new Dictionary<string, double> { ["l_pix"] = 0.1 });
        Assert.Equal("3,0.1,", File.ReadAllLines(path)[^1]);
    }

    [Fact]
    public void Codebook_usage_counts_codes_and_perplexity()
    {
        var u = new CodebookUsage(4);
        using var idx = TorchSharp.torch.tensor(new long[] { 0, 0, 1, 1 });
        u.Add(idx);
        Assert.Equal(2, u.Used);
        Assert.Equal(2.0, u.Perplexity(), 12);   // two codes used equally: exp(ln 2)
        Assert.Equal([2, 3], u.Unused());
    }
}
