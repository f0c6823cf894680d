using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ridcp.Core;

/// <summary>How float32 or bf16 values sit in a tensor's memory, read and written 8 at a time as float32 vectors: the
/// element type of the hand-written loops over tensor memory (Core/ChannelSums, Bricks/Deformable/ChannelsLastColumns),
/// which the JIT compiles once per type.</summary>
internal unsafe interface IStoredFloat
{
    static abstract int Size { get; }
    static abstract Vector256<float> Load8(byte* p);
    static abstract void Store8(byte* p, Vector256<float> value);
}

internal readonly unsafe struct StoredBf16 : IStoredFloat
{
    public static int Size => sizeof(ushort);

    /// <summary>The bf16 bits are the upper half of the float's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(byte* p) => (Vector256.WidenLower(Vector128.Load((ushort*)p).ToVector256Unsafe()) << 16).AsSingle();

    /// <summary>Rounded to nearest-even bf16 (as LibTorch rounds). Needs AVX-512VL (callers check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(byte* p, Vector256<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = (bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One)) >> 16;
        Avx512F.VL.ConvertToVector128UInt16(rounded).Store((ushort*)p);
    }
}

internal readonly unsafe struct StoredFloat32 : IStoredFloat
{
    public static int Size => sizeof(float);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(byte* p) => Vector256.Load((float*)p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(byte* p, Vector256<float> value) => value.Store((float*)p);
}
