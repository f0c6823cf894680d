namespace Ridcp.Checkpoints;

/// <summary>Where the raw bytes of a checkpoint's storages live (zip entries or the tail of a legacy file).</summary>
internal interface IStorageSource
{
    /// <summary>True when the file stores numbers big-endian (zip <c>byteorder</c> entry, legacy sys info).</summary>
    bool BigEndian { get; }

    /// <summary>How many bytes the file really holds for storage <paramref name="key"/>; throws when it has none.</summary>
    long ByteLength(string key);

    /// <summary>Reads exactly <c>destination.Length</c> bytes of storage <paramref name="key"/>.</summary>
    void ReadInto(string key, Span<byte> destination);
}
