namespace Ridcp.Core;

/// <summary>Writes files through a temporary sibling and a rename, so a crash or a full disk never leaves a
/// half-written file under the final name. Temporaries of killed processes are removed by the next write into the
/// same folder (<see cref="StaleTemp"/>); a failure names the final path, not the temporary one.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> writer)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        StaleTemp.Clean(dir);
        string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                writer(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // The user knows the output's name, not the temporary one the error would otherwise quote.
            if (e is UnauthorizedAccessException) throw new UnauthorizedAccessException($"cannot write {full}: permission denied in {dir}", e);
            if (e is IOException && e.Message.Contains(tmp, StringComparison.Ordinal))
                throw new IOException($"cannot write {full}: {e.Message.Replace(tmp, full, StringComparison.Ordinal)}", e);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });
}
