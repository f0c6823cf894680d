using Microsoft.Win32.SafeHandles;

namespace Ridcp.Inference.Streaming;

/// <summary>The temporary files of spilled maps (<see cref="SpilledMap"/>), reused: a released map's file goes to
/// the next map, of the same image or of the next one, whose rows then overwrite pages the kernel's page cache
/// already holds. With a new file per map the kernel allocated and freed every page of every map: system time was
/// about 3.4 of the 5 CPU-seconds a 1 MP image in stripes took beyond its whole-image forward. Kept from one image to
/// the next, a 16 MP image's 8.4 GB of files are grown once per folder instead of once per image (new page-cache
/// pages are written at 0.6 GB/s here, pages it holds at 6 GB/s). On Linux and macOS a file is unlinked as soon as
/// it is open: no name is ever left in the folder, and the kernel frees its space when this object is disposed or
/// the process ends, killed or not (.NET's DeleteOnClose alone unlinks at disposal: a killed process left its
/// files). On Windows, DeleteOnClose.</summary>
public sealed class SpillFiles(string folder) : IDisposable
{
    readonly List<SafeFileHandle> free = [];
    readonly List<SafeFileHandle> all = [];

    /// <summary>A file for a map of <paramref name="bytes"/>: the smallest free one that holds it, else the largest
    /// free one (the kernel allocates only the pages it adds), else a new one. Handing out the last released file
    /// instead grew small files into full-resolution ones while large ones waited: every page the page cache
    /// allocates costs several microseconds here, the first writes of a 2 GB map 3-5 s of a 16 MP image.</summary>
    public SafeFileHandle Take(long bytes)
    {
        if (free.Count > 0)
        {
            var bySize = free.Select(f => (File: f, Length: RandomAccess.GetLength(f))).OrderBy(f => f.Length).ToList();
            var chosen = bySize.FirstOrDefault(f => f.Length >= bytes).File ?? bySize[^1].File;
            free.Remove(chosen);
            return chosen;
        }
        string path = Path.Combine(folder, $"ridcp-map-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        all.Add(file);
        return file;
    }

    public void Give(SafeFileHandle file) => free.Add(file);

    /// <summary>Bytes of disk the files hold now (what a next image of the same size will not need again).</summary>
    public long Bytes => all.Sum(RandomAccess.GetLength);

    /// <summary>Files open now, free or holding a map.</summary>
    public int Count => all.Count;

    public void Dispose()
    {
        foreach (var f in all) f.Dispose();
        all.Clear();
        free.Clear();
    }
}
