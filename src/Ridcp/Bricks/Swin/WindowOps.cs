using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>The window helpers of SwinIR (official basicsr/archs/network_swinir.py: window_partition,
/// window_reverse, WindowAttention's relative_position_index, SwinTransformerBlock.calculate_mask), on
/// channel-last maps [B, H, W, C]. Windows are ws x ws tiles in row-major tile order, tokens row-major inside.</summary>
public static class WindowOps
{
    /// <summary>[B, H, W, C] -> [B * nW, ws * ws, C].</summary>
    public static Tensor Partition(Tensor x, long windowSize)
    {
        long b = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
        return x.view(b, h / windowSize, windowSize, w / windowSize, windowSize, c)
                .permute(0, 1, 3, 2, 4, 5)
                .reshape(-1, windowSize * windowSize, c);
    }

    /// <summary>[B * nW, ws * ws, C] -> [B, H, W, C], the inverse of <see cref="Partition"/>.</summary>
    public static Tensor Reverse(Tensor windows, long windowSize, long height, long width)
    {
        long c = windows.shape[^1];
        long b = windows.shape[0] / (height / windowSize * (width / windowSize));
        return windows.view(b, height / windowSize, width / windowSize, windowSize, windowSize, c)
                      .permute(0, 1, 3, 2, 4, 5)
                      .reshape(b, height, width, c);
    }

    /// <summary>relative_position_index [N, N], N = ws^2: for query i and key j at (yi, xi), (yj, xj) inside the
    /// window, (yi - yj + ws - 1) * (2 ws - 1) + (xi - xj + ws - 1), an index into the [(2ws-1)^2, heads] table.</summary>
    public static Tensor RelativePositionIndex(int windowSize)
    {
        int n = windowSize * windowSize, span = 2 * windowSize - 1;
        var index = new long[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                int dy = i / windowSize - j / windowSize + windowSize - 1;
                int dx = i % windowSize - j % windowSize + windowSize - 1;
                index[i * n + j] = dy * span + dx;
            }
        return tensor(index, [n, n], ScalarType.Int64);
    }

    /// <summary>Attention mask [nW, N, N] of a shifted block for an H x W map (calculate_mask): the rolled map falls
    /// into 3 x 3 regions, rows [0, H-ws), [H-ws, H-shift), [H-shift, H) and columns likewise; tokens of one window
    /// may attend to each other only within a region: 0 there, -100 elsewhere (the official value, not -inf).</summary>
    public static Tensor ShiftedWindowMask(int height, int width, int windowSize, int shiftSize, Device? device = null)
    {
        static int Band(int p, int size, int ws, int shift) => p < size - ws ? 0 : p < size - shift ? 1 : 2;
        var labels = new float[height * width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                labels[y * width + x] = 3 * Band(y, height, windowSize, shiftSize) + Band(x, width, windowSize, shiftSize);
        using var scope = NewDisposeScope();
        var map = tensor(labels, [1, height, width, 1], ScalarType.Float32, device);
        var windows = Partition(map, windowSize).squeeze(-1);                 // [nW, N]
        var differ = windows.unsqueeze(1).ne(windows.unsqueeze(2));           // [nW, N, N]
        return zeros(differ.shape, ScalarType.Float32, device).masked_fill_(differ, -100f).MoveToOuterDisposeScope();
    }
}
