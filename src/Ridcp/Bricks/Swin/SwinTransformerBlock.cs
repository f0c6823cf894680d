using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>Port of SwinTransformerBlock in basicsr/archs/network_swinir.py on channel-last maps [B, H, W, C]
/// (the official token layout [B, H*W, C] is the same memory):
/// x = x + roll(attn(windows(roll(norm1(x), -shift))), +shift); x = x + mlp(norm2(x)). LayerNorm eps 1e-5,
/// MLP ratio 4, dropout and drop-path 0.
/// A shifted block persists the mask for its construction resolution as buffer <c>attn_mask</c> (registered before
/// its children, as in PyTorch's state dict) and recomputes it for any other runtime size.</summary>
public sealed class SwinTransformerBlock : nn.Module<Tensor, Tensor>
{
    private Tensor? attn_mask;   // not readonly: Module.to() replaces tensor fields
    private readonly LayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly LayerNorm norm2;
    private readonly SwinMlp mlp;

    private readonly int windowSize;
    private readonly int shiftSize;
    private readonly int inputHeight;
    private readonly int inputWidth;

    public int WindowSize => windowSize;
    public int ShiftSize => shiftSize;

    public SwinTransformerBlock(int dim, int inputHeight, int inputWidth, int numHeads, int windowSize, int shiftSize, double mlpRatio = 4.0)
        : base(nameof(SwinTransformerBlock))
    {
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
        // Official rule: a window as large as the (construction) resolution is not partitioned and not shifted.
        if (Math.Min(inputHeight, inputWidth) <= windowSize)
        {
            shiftSize = 0;
            windowSize = Math.Min(inputHeight, inputWidth);
        }
        if (shiftSize < 0 || shiftSize >= windowSize) throw new ArgumentException($"shift {shiftSize} must lie in [0, {windowSize})");
        this.windowSize = windowSize;
        this.shiftSize = shiftSize;

        if (shiftSize > 0) attn_mask = WindowOps.ShiftedWindowMask(inputHeight, inputWidth, windowSize, shiftSize);
        norm1 = LayerNormWithDefaults(dim);
        attn = new WindowAttention(dim, windowSize, numHeads);
        norm2 = LayerNormWithDefaults(dim);
        mlp = new SwinMlp(dim, (long)(dim * mlpRatio));
        RegisterComponents();
    }

    /// <summary>x: [B, H, W, C] with H and W multiples of the window size. Returns the same shape.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long h = x.shape[1], w = x.shape[2];
        if (h % windowSize != 0 || w % windowSize != 0)
            throw new ArgumentException($"Swin block needs a map whose sides are multiples of {windowSize}, got {h}x{w}");

        var shifted = norm1.forward(x);
        if (shiftSize > 0) shifted = shifted.roll((-shiftSize, -shiftSize), (1, 2));
        var windows = WindowOps.Partition(shifted, windowSize);                       // [B*nW, N, C]
        var attended = attn.forward(windows, MaskFor(h, w, x.device)?.to(x.dtype));
        var merged = WindowOps.Reverse(attended, windowSize, h, w);                   // [B, H, W, C]
        if (shiftSize > 0) merged = merged.roll((shiftSize, shiftSize), (1, 2));

        var y = x + merged;
        var update = mlp.forward(norm2.forward(y));
        // In place only without autograd: LayerNorm's backward needs y unchanged.
        return (is_grad_enabled() ? y + update : y.add_(update)).MoveToOuterDisposeScope();
    }

    /// <summary>The official block adds calculate_mask(x_size) whenever x_size differs from the construction size,
    /// also for unshifted blocks; with shift 0 that mask is all zeros, so unshifted blocks simply add nothing.</summary>
    private Tensor? MaskFor(long h, long w, Device device)
    {
        if (shiftSize == 0) return null;
        if (h == inputHeight && w == inputWidth)
            return attn_mask!.device_type == device.type && attn_mask.device_index == device.index ? attn_mask : attn_mask.to(device);
        return WindowOps.ShiftedWindowMask((int)h, (int)w, windowSize, shiftSize, device);
    }

    internal static LayerNorm LayerNormWithDefaults(long dim)
    {
        var norm = nn.LayerNorm(dim, eps: 1e-5);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);   // explicit: do not rely on native default initialisation
            norm.bias!.zero_();
        }
        return norm;
    }
}
