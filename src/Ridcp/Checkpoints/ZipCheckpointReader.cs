using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>Reads the zip format of torch.save (torch >= 1.6): <c>&lt;folder&gt;/data.pkl</c> (pickle with persistent
/// ids for storages), <c>&lt;folder&gt;/data/&lt;key&gt;</c> (raw storage bytes), optional <c>&lt;folder&gt;/byteorder</c>.
/// The folder is the file's stem in torch 1.13 and <c>archive</c> in newer versions, so it is discovered, not assumed.</summary>
internal static partial class ZipCheckpointReader
{
    const long MaxPickleBytes = 1L << 30;

    public static Checkpoint Read(Stream file, string path)
    {
        // ZipArchive reads its directory lazily, so its complaints can come from any call below.
        try { return ReadArchive(file, path); }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new CheckpointFormatException($"checkpoint '{path}' is truncated or damaged: its zip structure cannot be read ({e.Message})", e);
        }
    }

    static Checkpoint ReadArchive(Stream file, string path)
    {
        using (var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true))
        {
            var pickles = zip.Entries.Where(e => DataPkl().IsMatch(e.FullName)).ToList();
            if (pickles.Count != 1)
                throw new CheckpointFormatException($"checkpoint '{path}' is a zip file but not a PyTorch checkpoint (expected one <folder>/data.pkl, found {pickles.Count})");
            // Sizes, inflation and CRC-32 of every entry, before any of them is allocated or parsed.
            ZipEntryCheck.VerifyAll(zip, file.Length, path);
            string prefix = pickles[0].FullName[..^"data.pkl".Length];
            bool bigEndian = ReadByteOrder(zip, prefix, path);

            if (pickles[0].Length > MaxPickleBytes) throw new CheckpointFormatException($"checkpoint '{path}': data.pkl is implausibly large");
            var pickleBytes = new byte[pickles[0].Length];
            using (var s = pickles[0].Open()) s.ReadExactly(pickleBytes);

            var host = new TorchPickleHost(path);
            object? root = new PickleReader(new MemoryStream(pickleBytes, writable: false), path, host).Load();
            var created = new List<Tensor>();
            root = TensorMaterializer.Resolve(root, host, new ZipStorageSource(zip, prefix, bigEndian, path), path, created);
            return new Checkpoint(root, path, CheckpointFileFormat.Zip, created);
        }
    }

    static bool ReadByteOrder(ZipArchive zip, string prefix, string path)
    {
        var entry = zip.GetEntry(prefix + "byteorder");
        if (entry is null) return false;   // files before torch 2.0 have none: little-endian
        if (entry.Length > 16) throw new CheckpointFormatException($"checkpoint '{path}' is damaged: bad byteorder entry");
        using var r = new StreamReader(entry.Open(), Encoding.ASCII);
        return r.ReadToEnd().Trim() switch
        {
            "little" => false,
            "big" => true,
            var other => throw new CheckpointFormatException($"checkpoint '{path}' is damaged: unknown byte order '{other}'"),
        };
    }

    [GeneratedRegex(@"^[^/]+/data\.pkl$")] private static partial Regex DataPkl();
}
