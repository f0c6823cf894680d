using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ridcp.Core;

/// <summary>Removes the temporary files and folders that killed processes left behind. Every temporary name this
/// project writes is <c>.NAME.PID[.RANDOM].tmp</c> beside its final path (<see cref="AtomicFile"/>, checkpoint
/// folders); one whose process no longer runs can never be finished, so the next run that writes into that folder
/// deletes it. A live process with that id (ours, or a reused id) keeps its files. Each folder is cleaned once per
/// process, so a batch of many outputs does not list its folder again for every write.</summary>
public static partial class StaleTemp
{
    static readonly ConcurrentDictionary<string, bool> Cleaned = new(StringComparer.Ordinal);

    public static void Clean(string dir)
    {
        if (!Cleaned.TryAdd(Path.GetFullPath(dir), true)) return;
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(dir, ".*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var path in entries)
        {
            var m = TempName().Match(Path.GetFileName(path));
            if (!m.Success || !int.TryParse(m.Groups[1].Value, out int pid) || IsRunning(pid)) continue;
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort */ }
        }
    }

    static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    [GeneratedRegex(@"^\..+\.(\d+)(\.[0-9a-f]{8})?\.tmp$")] private static partial Regex TempName();
}
