namespace Ridcp.Inference.Streaming;

/// <summary>The disk space an image run in stripes needs for its spilled feature maps, checked before it starts.</summary>
public static class SpillSpace
{
    /// <exception cref="IOException">the folder's file system has less free space than <paramref name="bytes"/></exception>
    public static void Check(string folder, long bytes)
    {
        long free;
        try { free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return; }   // unknown: the writes will tell
        if (free < bytes)
            throw new IOException($"this image needs about {MemoryBudget.Describe(bytes)} of temporary disk space for its feature maps and {folder} has {MemoryBudget.Describe(free)} free (set TMPDIR to a larger folder, or raise --max-memory)");
    }
}
