using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Core;

/// <summary>Direct access to a CPU tensor's memory, for the few loops LibTorch has no fused kernel for (the fused
/// deformable sampler, Bricks/Deformable/ChannelsLastColumns; per-channel sums in one pass, Core/ChannelSums).</summary>
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
}
