using Ridcp.Core;
using System.Buffers.Binary;
using System.Text;

namespace Ridcp.Checkpoints;

/// <summary>Writes a zip file the way PyTorch's serializer lays it out: entries stored (not compressed), each entry's
/// data starting at a multiple of 64 bytes (padding in a local "FB" extra field filled with 'Z', as torch's
/// inline_container does), CRC-32 and sizes in the local header, a plain end-of-central-directory record. Files over
/// 4 GiB would need ZIP64 records, which this writer does not produce.</summary>
internal sealed class TorchZipWriter(Stream output)
{
    const int Alignment = 64;
    const ushort PaddingFieldId = 0x4246;   // "FB" little-endian
    const ushort DosDate1980 = (0 << 9) | (1 << 5) | 1;   // 1980-01-01: fixed, so identical checkpoints are identical files

    readonly List<(string Name, uint Crc, long Size, long Offset)> _entries = [];
    long _position;

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        long headerEnd = _position + 30 + nameBytes.Length;
        int pad = (int)((Alignment - (headerEnd + 4) % Alignment) % Alignment);
        int extra = 4 + pad;
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data);
        CheckZip32(_position + 30 + nameBytes.Length + extra + data.Length);
        _entries.Add((name, crc, data.Length, _position));

        Span<byte> h = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);        // version needed
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0x0800);    // flags: UTF-8 names
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0);         // stored
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);        // time
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)extra);
        Write(h);
        Write(nameBytes);
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(field, PaddingFieldId);
        BinaryPrimitives.WriteUInt16LittleEndian(field[2..], (ushort)pad);
        Write(field);
        Write(Enumerable.Repeat((byte)'Z', pad).ToArray());
        Write(data);
    }

    /// <summary>Writes the central directory and the end record.</summary>
    public void Finish()
    {
        long start = _position;
        Span<byte> c = stackalloc byte[46];
        foreach (var (name, crc, size, offset) in _entries)
        {
            byte[] nameBytes = Encoding.UTF8.GetBytes(name);
            c.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(c, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(c[4..], 20);    // version made by
            BinaryPrimitives.WriteUInt16LittleEndian(c[6..], 20);    // version needed
            BinaryPrimitives.WriteUInt16LittleEndian(c[8..], 0x0800);
            BinaryPrimitives.WriteUInt16LittleEndian(c[10..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(c[12..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(c[14..], DosDate1980);
            BinaryPrimitives.WriteUInt32LittleEndian(c[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(c[20..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(c[24..], (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(c[28..], (ushort)nameBytes.Length);
            // extra, comment, disk, internal/external attributes: 0
            BinaryPrimitives.WriteUInt32LittleEndian(c[42..], (uint)offset);
            Write(c);
            Write(nameBytes);
        }
        long size32 = _position - start;
        CheckZip32(_position + 22);
        Span<byte> e = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(e[10..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], (uint)size32);
        BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)start);
        Write(e);
    }

    void Write(ReadOnlySpan<byte> b)
    {
        output.Write(b);
        _position += b.Length;
    }

    void CheckZip32(long end)
    {
        if (end > uint.MaxValue || _entries.Count >= ushort.MaxValue)
            throw new NotSupportedException("checkpoint larger than 4 GiB (or with 65535+ tensors): ZIP64 is not implemented by this writer");
    }
}
