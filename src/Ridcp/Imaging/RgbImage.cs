using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Imaging;

/// <summary>An RGB image as planar float32 values in [0,1], layout [3, Height, Width] (channel, row, column),
/// the layout the network and the metrics use.</summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>Planar CHW data: Data[c*H*W + y*W + x].</summary>
    public float[] Data { get; }

    public RgbImage(int width, int height, float[]? data = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}x{height}");
        Width = width; Height = height;
        Data = data ?? new float[3L * width * height > int.MaxValue ? throw new ArgumentException("image too large") : 3 * width * height];
        if (Data.Length != 3 * width * height) throw new ArgumentException("data length does not match 3*W*H");
    }

    public float this[int c, int y, int x]
    {
        get => Data[(c * Height + y) * Width + x];
        set => Data[(c * Height + y) * Width + x] = value;
    }

    /// <summary>[1,3,H,W] float32 tensor (a copy).</summary>
    public Tensor ToTensor(Device? device = null)
    {
        // Copied straight into the tensor's memory: torch.tensor(float[]) clones the array first, and a fresh
        // array of a megapixel photo costs thousands of page faults (Core/NativeHeap), ~5 % of a bf16 dehaze.
        var t = empty(1, 3, Height, Width, ScalarType.Float32);
        MemoryMarshal.AsBytes(Data.AsSpan()).CopyTo(t.bytes);
        return device is null || device.type == DeviceType.CPU ? t : t.to(device);
    }

    /// <summary>From a [1,3,H,W] or [3,H,W] tensor; values are copied as they are (no clamping).</summary>
    public static RgbImage FromTensor(Tensor t)
    {
        using var scope = NewDisposeScope();
        var x = t.dim() == 4 ? t[0] : t;
        if (x.dim() != 3 || x.shape[0] != 3) throw new ArgumentException($"expected [1,3,H,W] or [3,H,W], got [{string.Join(",", t.shape)}]");
        var cpu = x.detach().to(ScalarType.Float32).cpu().contiguous();
        return new RgbImage((int)cpu.shape[2], (int)cpu.shape[1], MemoryMarshal.Cast<byte, float>(cpu.bytes).ToArray());
    }
}
