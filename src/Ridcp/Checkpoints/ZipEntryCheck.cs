using System.IO.Compression;

namespace Ridcp.Checkpoints;

/// <summary>Checks every entry of a zip checkpoint before anything of it is allocated: the compressed sizes of the
/// directory must fit in the file, no entry may claim to inflate more than <see cref="MaxInflation"/> times (PyTorch
/// stores its entries uncompressed, so real files inflate 1:1), and each entry is streamed once — never held in
/// memory — to confirm that it inflates to exactly the size the directory declares and that its CRC-32 is the one
/// PyTorch stored. A flipped storage byte or a zip bomb is refused here, before the pickle is read.</summary>
internal static class ZipEntryCheck
{
    /// <summary>Largest inflation accepted (uncompressed / compressed size). torch.save never compresses; zip tools
    /// recompressing a checkpoint reach about 1.1 on float weights, so 16 leaves room for sparse tensors.</summary>
    public const long MaxInflation = 16;

    public static void VerifyAll(ZipArchive zip, long fileLength, string path)
    {
        long compressed = 0;
        foreach (var e in zip.Entries)
        {
            compressed += e.CompressedLength;
            if (e.CompressedLength < 0 || e.Length < 0 || compressed > fileLength)
                throw new CheckpointFormatException($"checkpoint '{path}' is damaged: its zip directory declares more data than the file holds");
            if (e.Length > Math.Max(e.CompressedLength, 1) * MaxInflation)
                throw new CheckpointFormatException(
                    $"checkpoint '{path}' is refused: entry {e.FullName} claims to inflate from {e.CompressedLength} to {e.Length} bytes (at most {MaxInflation}x)");
        }
        var buffer = new byte[1 << 16];
        foreach (var e in zip.Entries) Verify(e, buffer, path);
    }

    static void Verify(ZipArchiveEntry e, byte[] buffer, string path)
    {
        if (e.FullName.EndsWith('/')) return;   // a folder entry has no data
        long total = 0;
        var crc = new System.IO.Hashing.Crc32();
        using var s = e.Open();
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += n;
            if (total > e.Length)
                throw new CheckpointFormatException($"checkpoint '{path}' is damaged: entry {e.FullName} inflates beyond the {e.Length} bytes its directory declares");
            crc.Append(buffer.AsSpan(0, n));
        }
        if (total != e.Length)
            throw new CheckpointFormatException($"checkpoint '{path}' is truncated or damaged: entry {e.FullName} holds {total} of its {e.Length} bytes");
        uint computed = crc.GetCurrentHashAsUInt32();
        if (computed != e.Crc32)
            throw new CheckpointFormatException(
                $"checkpoint '{path}' is damaged: entry {e.FullName} fails its CRC-32 check (stored {e.Crc32:x8}, computed {computed:x8})");
    }
}
