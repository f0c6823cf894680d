using Ridcp.Inference.Streaming;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference.Streaming;

/// <summary>Feature maps kept in temporary files between the stages of a streamed forward.</summary>
public class SpilledMapTests
{

    [Fact]
    public void Rows_written_in_stripes_read_back_as_any_window_in_channels_last_order()
    {
        var map = rand(1, 64, 20, 7, generator: new Generator(3));
        using var files = new SpillFiles(Path.GetTempPath());
        using var spilled = new SpilledMap(files, 64, 20, 7, ScalarType.Float32, 2, sumGroups: 32);
        spilled.Write(0, map.narrow(2, 0, 8));
        spilled.Write(8, Ridcp.Core.ChannelsLast.ForInference(map.narrow(2, 8, 12)));
        var window = spilled.Read(5, 9);
        Assert.Equal(new long[] { 1, 64, 9, 7 }, window.shape);
        Assert.Equal(1, window.stride(1));                                  // channels innermost
        Assert.True(window.equal(map.narrow(2, 5, 9)).all().item<bool>());
    }

    [Fact]
    public void The_sums_gathered_while_writing_give_the_whole_maps_group_moments()
    {
        var map = randn(1, 64, 20, 7, generator: new Generator(4)) * 3 + 1;
        using var files = new SpillFiles(Path.GetTempPath());
        using var spilled = new SpilledMap(files, 64, 20, 7, ScalarType.Float32, 1, sumGroups: 32);
        for (int r = 0; r < 20; r += 6) spilled.Write(r, map.narrow(2, r, Math.Min(6, 20 - r)));
        var (mean, variance) = spilled.Sums!.Moments();
        var grouped = map.to(ScalarType.Float64).reshape(32, -1);
        var expectedMean = grouped.mean([1]).data<double>().ToArray();
        var expectedVariance = grouped.var([1], unbiased: false).data<double>().ToArray();
        for (int g = 0; g < 32; g++)
        {
            Assert.Equal(expectedMean[g], mean[g], 1e-6);          // float32 chunk sums: ~1e-7 relative
            Assert.Equal(expectedVariance[g], variance[g], 1e-5);
        }
    }

    [Fact]
    public void A_released_maps_file_serves_the_next_map_and_no_file_is_ever_left_in_the_folder()
    {
        // Unlinked as soon as they are open: a process killed mid-image leaves nothing behind either.
        using var tmp = new TempFolder();
        var files = new SpillFiles(tmp.Path);
        var first = new SpilledMap(files, 4, 3, 2, ScalarType.BFloat16, 1);
        first.Write(0, ones(1, 4, 3, 2));
        Assert.Empty(Directory.GetFiles(tmp.Path));
        first.Dispose();
        var second = new SpilledMap(files, 8, 3, 2, ScalarType.Float32, 1);   // larger: the file grows
        Assert.Equal(1, files.Count);
        second.Write(0, full(1, 8, 3, 2, 2f));
        Assert.True(second.Read(0, 3).eq(2f).all().item<bool>());
        Assert.Equal(8 * 3 * 2 * 4, files.Bytes);
        Assert.Empty(Directory.GetFiles(tmp.Path));
        second.Dispose();
        files.Dispose();
        Assert.Equal(0, files.Count);
    }

    [Fact]
    public void Rows_outside_the_map_are_refused()
    {
        using var files = new SpillFiles(Path.GetTempPath());
        using var spilled = new SpilledMap(files, 4, 3, 2, ScalarType.Float32, 1);
        Assert.Throws<ArgumentException>(() => spilled.Write(2, zeros(1, 4, 2, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => spilled.Read(2, 2));
    }
}
