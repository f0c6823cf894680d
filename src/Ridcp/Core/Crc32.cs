namespace Ridcp.Core;

/// <summary>CRC-32 (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320, reflected): guards every PNG chunk and every zip
/// entry. Kept here because System.IO.Hashing is not referenced.</summary>
internal static class Crc32
{
    static readonly uint[] Table = BuildTable();

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        uint c = ~crc;
        foreach (byte b in bytes) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    public static uint Compute(ReadOnlySpan<byte> bytes) => Update(0, bytes);
}
