namespace Ridcp.Core;

/// <summary>Whether a path is worth opening as an input file. A named pipe (FIFO) or a device such as /dev/zero
/// passes File.Exists, but opening a pipe blocks until a writer comes and a device never ends; both report a length
/// of 0, as an empty file does, so one check refuses all three before the file is opened.</summary>
public static class RegularFile
{
    public static bool HasData(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && (info.Attributes & FileAttributes.Directory) == 0 && info.Length > 0;
    }
}
