using System.IO.Compression;

namespace Ridcp.Checkpoints;

/// <summary>Storages of a zip-format checkpoint: entry <c>&lt;prefix&gt;data/&lt;key&gt;</c>, length from the zip directory.</summary>
internal sealed class ZipStorageSource(ZipArchive zip, string prefix, bool bigEndian, string path) : IStorageSource
{
    public bool BigEndian => bigEndian;

    public long ByteLength(string key) => Entry(key).Length;

    public void ReadInto(string key, Span<byte> destination)
    {
        using var s = Entry(key).Open();
        s.ReadExactly(destination);
    }

    ZipArchiveEntry Entry(string key) =>
        zip.GetEntry(prefix + "data/" + key)
        ?? throw new CheckpointFormatException($"checkpoint '{path}' is damaged: storage entry {prefix}data/{key} is missing");
}
