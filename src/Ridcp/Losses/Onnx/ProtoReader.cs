namespace Ridcp.Losses.Onnx;

/// <summary>A minimal protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit fields), enough to
/// walk an ONNX ModelProto without a generated parser.</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> data;
    private int pos;

    public ProtoReader(ReadOnlySpan<byte> data) { this.data = data; pos = 0; }

    public bool End => pos >= data.Length;

    /// <summary>Reads the next tag; returns the field number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        ulong key = ReadVarint();
        return ((int)(key >> 3), (int)(key & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("truncated protobuf varint");
            byte b = data[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException("protobuf varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong len = ReadVarint();
        if (len > (ulong)(data.Length - pos)) throw new InvalidDataException("truncated protobuf field");
        var s = data.Slice(pos, (int)len);
        pos += (int)len;
        return s;
    }

    public float ReadFixed32Float()
    {
        if (pos + 4 > data.Length) throw new InvalidDataException("truncated protobuf fixed32");
        float f = BitConverter.ToSingle(data.Slice(pos, 4));
        pos += 4;
        return f;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: pos += 8; break;
            case 2: ReadBytes(); break;
            case 5: pos += 4; break;
            default: throw new InvalidDataException($"unsupported protobuf wire type {wireType}");
        }
        if (pos > data.Length) throw new InvalidDataException("truncated protobuf field");
    }

    /// <summary>A repeated int64 field, packed (wire type 2) or one value (wire type 0).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == 0) { into.Add((long)ReadVarint()); return; }
        var inner = new ProtoReader(ReadBytes());
        while (!inner.End) into.Add((long)inner.ReadVarint());
    }
}
