using System.Buffers.Binary;

namespace Ridcp.Checkpoints;

/// <summary>Storages of a legacy (pre-zip) checkpoint: after the pickles, for each key of the storage key list, an
/// int64 element count followed by the raw elements. The headers are scanned (and checked against the file length)
/// before any storage is read.</summary>
internal sealed class LegacyStorageSource : IStorageSource
{
    readonly Stream _s;
    readonly string _path;
    readonly Dictionary<string, (long Offset, long Bytes)> _where = [];

    public bool BigEndian { get; }

    public LegacyStorageSource(Stream s, IReadOnlyList<string> keys, IReadOnlyDictionary<string, StorageRef> storages, bool bigEndian, string path)
    {
        (_s, _path, BigEndian) = (s, path, bigEndian);
        Span<byte> head = stackalloc byte[8];
        foreach (var key in keys)
        {
            if (!storages.TryGetValue(key, out var storage))
                throw new CheckpointFormatException($"checkpoint '{path}' is damaged: storage {key} is listed but never used");
            if (s.Length - s.Position < 8) throw Truncated(key);
            s.ReadExactly(head);
            long count = bigEndian ? BinaryPrimitives.ReadInt64BigEndian(head) : BinaryPrimitives.ReadInt64LittleEndian(head);
            if (count < 0 || count > (s.Length - s.Position) / storage.Type.ElementSize) throw Truncated(key);
            long bytes = count * storage.Type.ElementSize;
            _where[key] = (s.Position, bytes);
            s.Seek(bytes, SeekOrigin.Current);
        }
    }

    public long ByteLength(string key) =>
        _where.TryGetValue(key, out var w) ? w.Bytes
        : throw new CheckpointFormatException($"checkpoint '{_path}' is damaged: storage {key} is not in its storage list");

    public void ReadInto(string key, Span<byte> destination)
    {
        _s.Seek(_where[key].Offset, SeekOrigin.Begin);
        _s.ReadExactly(destination);
    }

    CheckpointFormatException Truncated(string key) =>
        new($"checkpoint '{_path}' is truncated: the data of storage {key} is incomplete");
}
