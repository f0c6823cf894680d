using Ridcp.Imaging;

namespace Ridcp.Inference;

/// <summary>Turns the INPUT and OUTPUT of `ridcp dehaze` into (input, output) pairs: a file to a file (or into an
/// existing folder), or every image of a folder (not recursive) into an output folder under the same file names.
/// Never lets an output land on an input.</summary>
public static class DehazePlan
{
    /// <summary>Throws unless every output can take <paramref name="bitDepth"/> bits (16 only for PNG).</summary>
    public static void CheckBitDepth(IReadOnlyList<DehazeItem> items, int bitDepth)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"--bit-depth must be 8 or 16, got {bitDepth}");
        var jpeg = items.FirstOrDefault(i => bitDepth == 16 && !Path.GetExtension(i.Output).Equals(".png", StringComparison.OrdinalIgnoreCase));
        if (jpeg is not null) throw new ArgumentException($"16-bit output needs PNG; {jpeg.Output} is JPEG (8-bit only)");
    }

    /// <summary>The items whose output file does not exist yet (`--skip-existing`, to resume a half-done batch). Outputs
    /// are written atomically (Core/AtomicFile), so an existing output is a complete one.</summary>
    public static IReadOnlyList<DehazeItem> WithoutExistingOutputs(IReadOnlyList<DehazeItem> items) =>
        items.Where(i => !File.Exists(i.Output)).ToList();

    /// <summary>How many outputs are JPEG files made from JPEG inputs: each is decoded and encoded again (quality 95),
    /// which a folder run says, since the user did not name those outputs one by one.</summary>
    public static int JpegReencodes(IReadOnlyList<DehazeItem> items) =>
        items.Count(i => Path.GetExtension(i.Output).ToLowerInvariant() is ".jpg" or ".jpeg");

    /// <summary>Output extensions the writer supports; other inputs (e.g. .bmp) are written as .png.</summary>
    static bool Writable(string path) => Path.GetExtension(path).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg";

    public static bool IsFolder(string input) => Directory.Exists(input);

    /// <exception cref="FileNotFoundException">the input does not exist</exception>
    /// <exception cref="ArgumentException">the output is unusable (same as the input, wrong kind or extension)</exception>
    /// <exception cref="InvalidDataException">a folder without images</exception>
    public static IReadOnlyList<DehazeItem> Make(string input, string output)
    {
        if (string.IsNullOrWhiteSpace(input) || string.IsNullOrWhiteSpace(output)) throw new ArgumentException("input and output paths must not be empty");
        if (Directory.Exists(input)) return ForFolder(input, output);
        if (!File.Exists(input)) throw new FileNotFoundException($"input not found: {input}", input);
        if (Directory.Exists(output) || EndsWithSeparator(output))
            output = Path.Combine(output, OutputName(Path.GetFileName(input)));
        else if (!Writable(output))
            throw new ArgumentException($"output '{output}' must end in .png, .jpg or .jpeg");
        RefuseOverwritingInput(input, output);
        return [new DehazeItem(input, output)];
    }

    static IReadOnlyList<DehazeItem> ForFolder(string input, string output)
    {
        if (File.Exists(output)) throw new ArgumentException($"input '{input}' is a folder, so the output must be a folder too, but '{output}' is a file");
        if (SamePath(input, output)) throw new ArgumentException($"output folder '{output}' is the input folder; the inputs would be overwritten");
        var files = Directory.EnumerateFiles(input).Where(ImageFile.IsImagePath).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"no images (.png, .jpg, .jpeg, ...) in folder {input}");
        var items = files.Select(f => new DehazeItem(f, Path.Combine(output, OutputName(Path.GetFileName(f))))).ToList();
        var clash = items.GroupBy(i => i.Output).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new ArgumentException($"{string.Join(" and ", clash.Select(i => Path.GetFileName(i.Input)))} would both be written to {clash.Key}");
        foreach (var item in items) RefuseOverwritingInput(item.Input, item.Output);
        return items;
    }

    static string OutputName(string fileName) => Writable(fileName) ? fileName : Path.ChangeExtension(fileName, ".png");

    static void RefuseOverwritingInput(string input, string output)
    {
        if (SamePath(input, output)) throw new ArgumentException($"output '{output}' is the input file; refusing to overwrite an input");
    }

    static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar),
                      OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    static bool EndsWithSeparator(string path) => path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar);
}
