using System.Buffers.Binary;
using System.Text;

namespace Ridcp.Core;

/// <summary>
/// Marks chosen version requirements (ELF VERNEED auxiliary entries) of a 64-bit little-endian shared
/// library as weak (VER_FLG_WEAK = 0x2), so the dynamic loader accepts the library when the system lacks
/// that symbol version. Used only on a private copy of libLibTorchSharp.so (see <see cref="TorchNative"/>).
/// </summary>
public static class ElfVersionPatcher
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    /// <summary>Names of all version requirements of <paramref name="elf"/> on the given library file name
    /// (for example "libstdc++.so.6"), with their current flags.</summary>
    public static IReadOnlyList<(string Version, ushort Flags)> RequiredVersions(byte[] elf, string library)
    {
        var result = new List<(string, ushort)>();
        Walk(elf, (file, version, flagsOffset) =>
        {
            if (file == library) result.Add((version, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(flagsOffset))));
        });
        return result;
    }

    /// <summary>Sets the weak flag on every requirement whose version name is in <paramref name="versions"/>.
    /// Returns how many entries were changed.</summary>
    public static int MarkWeak(byte[] elf, IReadOnlySet<string> versions)
    {
        int changed = 0;
        Walk(elf, (_, version, flagsOffset) =>
        {
            if (!versions.Contains(version)) return;
            var span = elf.AsSpan(flagsOffset, 2);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(span);
            if ((flags & VerFlagWeak) != 0) return;
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(flags | VerFlagWeak));
            changed++;
        });
        return changed;
    }

    static void Walk(byte[] b, Action<string, string, int> visit)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        var s = b.AsSpan();
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(s[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(s[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(s[0x3C..]);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            if (BinaryPrimitives.ReadUInt32LittleEndian(s[(sh + 4)..]) != ShtGnuVerneed) continue;
            long offset = BinaryPrimitives.ReadInt64LittleEndian(s[(sh + 0x18)..]);
            int link = BinaryPrimitives.ReadInt32LittleEndian(s[(sh + 0x28)..]);
            int strSh = checked((int)(shoff + (long)link * shentsize));
            long strOffset = BinaryPrimitives.ReadInt64LittleEndian(s[(strSh + 0x18)..]);
            string Str(uint at)
            {
                int start = checked((int)(strOffset + at));
                int end = Array.IndexOf(b, (byte)0, start);
                return Encoding.ASCII.GetString(b, start, end - start);
            }
            long vn = offset;
            while (true)
            {   // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
                int count = BinaryPrimitives.ReadUInt16LittleEndian(s[(int)(vn + 2)..]);
                string file = Str(BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(vn + 4)..]));
                uint aux = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(vn + 8)..]);
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(vn + 12)..]);
                long va = vn + aux;
                for (int k = 0; k < count; k++)
                {   // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
                    visit(file, Str(BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(va + 8)..])), (int)(va + 4));
                    uint vnext = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(va + 12)..]);
                    if (vnext == 0) break;
                    va += vnext;
                }
                if (next == 0) break;
                vn += next;
            }
        }
    }
}
