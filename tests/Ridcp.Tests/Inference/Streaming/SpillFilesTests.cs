using Ridcp.Inference.Streaming;
using Xunit;

namespace Ridcp.Tests.Inference.Streaming;

public class SpillFilesTests
{
    static void Fill(Microsoft.Win32.SafeHandles.SafeFileHandle file, int bytes) => RandomAccess.Write(file, new byte[bytes], 0);

    [Fact]
    public void A_map_gets_the_smallest_free_file_that_holds_it_else_the_largest()
    {
        using var files = new SpillFiles(Path.GetTempPath());
        var (small, large, middle) = (files.Take(100), files.Take(100), files.Take(100));
        Fill(small, 100);
        Fill(large, 10_000);
        Fill(middle, 1_000);
        files.Give(large);
        files.Give(small);
        files.Give(middle);

        Assert.Same(middle, files.Take(500));     // holds 500 bytes with the fewest to spare
        Assert.Same(large, files.Take(50_000));   // none holds it: the largest grows least
        Assert.Same(small, files.Take(1));
        var fresh = files.Take(1);                // none free: a new file
        Assert.NotSame(small, fresh);
        Assert.Equal(0, RandomAccess.GetLength(fresh));
    }
}
