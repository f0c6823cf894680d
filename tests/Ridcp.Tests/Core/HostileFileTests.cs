using Ridcp.Core;
using Xunit;

namespace Ridcp.Tests.Core;

/// <summary>Issue 15, the file edge: leftovers of killed processes, errors that name the right file.</summary>
public class HostileFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-hostile-files-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    string P(string name) => Path.Combine(dir, name);

    /// <summary>A process id that is not running: a child that has exited.</summary>
    static int DeadPid()
    {
        using var p = System.Diagnostics.Process.Start("true")!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void Temp_files_of_a_dead_process_are_removed_by_the_next_write_in_that_folder_and_live_ones_are_kept()
    {
        int dead = DeadPid();
        string staleFile = P($".out.png.{dead}.0123abcd.tmp"), staleDir = P($".iter_00000005.{dead}.tmp");
        string live = P($".out.png.{Environment.ProcessId}.89abcdef.tmp"), unrelated = P("notes.tmp");
        File.WriteAllText(staleFile, "half");
        Directory.CreateDirectory(staleDir);
        File.WriteAllText(live, "mine");
        File.WriteAllText(unrelated, "user file");

        AtomicFile.WriteAllText(P("out.txt"), "done");

        Assert.False(File.Exists(staleFile));
        Assert.False(Directory.Exists(staleDir));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(unrelated));
        Assert.Equal("done", File.ReadAllText(P("out.txt")));
    }

    [Fact]
    public void A_write_error_is_reported_under_the_output_name()
    {
        // A folder in the way of the temp file's rename target gives an IOException from the rename.
        Directory.CreateDirectory(P("out.png"));
        File.WriteAllText(P("out.png/keep"), "x");
        var e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(P("out.png"), "x"));
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void An_empty_or_truncated_npy_file_names_the_file(int length)
    {
        string path = P("depth.npy");
        File.WriteAllBytes(path, new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }[..Math.Min(length, 6)]);
        var e = Assert.Throws<InvalidDataException>(() => Npy.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void An_npy_header_declaring_a_huge_shape_is_refused_before_allocating()
    {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }".PadRight(117) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)header.Length, 0]);
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        File.WriteAllBytes(P("big.npy"), bytes.ToArray());
        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<InvalidDataException>(() => Npy.Read(P("big.npy")));
        Assert.Contains("big.npy", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 16L << 20);
    }
}
