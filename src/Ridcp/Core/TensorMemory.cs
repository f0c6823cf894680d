using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Core;

/// <summary>Direct access to a CPU tensor's memory, for the few loops LibTorch has no fused kernel for (the bf16
/// deformable sampler, bf16 sums accumulated in float32).</summary>
internal static unsafe class TensorMemory
{
    /// <summary>The first element of <paramref name="t"/> (storage offset included), valid while the tensor lives.
    /// TorchSharp hands out tensor memory only as a Span over a contiguous tensor's data, so a strided view is first
    /// viewed as the flat run of elements it spans; that run must stay under 2 GB (a Span's length).</summary>
    public static byte* Address(Tensor t)
    {
        long extent = 1;
        for (int d = 0; d < t.ndim; d++) extent += (t.shape[d] - 1) * t.stride(d);
        using var flat = t.as_strided([extent], [1], t.storage_offset());
        return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(flat.bytes));
    }

    /// <summary>True when the elements of <paramref name="t"/> fill one gap-free run of memory in some order
    /// (contiguous, channels-last, any dense permutation).</summary>
    public static bool IsDense(Tensor t)
    {
        var dims = Enumerable.Range(0, (int)t.ndim).Where(d => t.shape[d] != 1).OrderBy(d => t.stride(d)).ToArray();
        long expected = 1;
        foreach (int d in dims)
        {
            if (t.stride(d) != expected) return false;
            expected *= t.shape[d];
        }
        return true;
    }

    /// <summary>The mean of a dense bf16 CPU tensor, accumulated in float32 blocks and a double total: what
    /// <c>t.mean(dtype: float32)</c> computes, without its float32 copy of the whole tensor.</summary>
    public static double Bf16Mean(Tensor t)
    {
        if (t.dtype != ScalarType.BFloat16 || t.device_type != DeviceType.CPU || !IsDense(t))
            throw new ArgumentException("Bf16Mean needs a dense bf16 CPU tensor");
        long n = t.numel();
        if (n == 0) return double.NaN;
        var p = (ushort*)Address(t);
        const int Block = 4096;   // float32 partial sums over short blocks keep the rounding at float32's own mean's level
        double total = 0;
        for (long start = 0; start < n; start += Block)
        {
            long end = Math.Min(n, start + Block), i = start;
            var sum = Vector256<float>.Zero;
            if (Avx2.IsSupported)
                for (; i + 8 <= end; i += 8) sum += Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(p + i), 16).AsSingle();
            float rest = 0;
            for (; i < end; i++) rest += BitConverter.Int32BitsToSingle(p[i] << 16);
            total += Vector256.Sum(sum) + rest;
        }
        return total / n;
    }
}
