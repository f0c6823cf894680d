using Microsoft.Win32.SafeHandles;
using Ridcp.Bricks.Residual;
using static TorchSharp.torch;

namespace Ridcp.Inference.Streaming;

/// <summary>One feature map of one image [1, C, H, W], kept in a temporary file between the stages of a streamed
/// forward (<see cref="StreamedForward"/>): a stage writes it stripe by stripe and later stages read rows of it
/// back. Rows are stored channels-last (row y = W x C values), so any run of rows is one contiguous range of the
/// file and reads straight into a channels-last tensor. The file comes from, and goes back to, the image's
/// <see cref="SpillFiles"/>; what the kernel keeps of it in its page cache is not the process's memory.</summary>
public sealed class SpilledMap : IFeatureRows, IDisposable
{
    readonly SafeFileHandle file;
    readonly SpillFiles files;
    readonly long rowBytes;

    public long Channels { get; }
    public long Height { get; }
    public long Width { get; }
    public ScalarType Type { get; }
    /// <summary>Input pixels per map pixel along a side (1 at full resolution, 4 at the latent grid).</summary>
    public int Scale { get; }
    /// <summary>Per-group sums of the rows written so far (null when the map needs none).</summary>
    public GroupSums? Sums { get; }

    /// <param name="sumGroups">Groups whose sums to gather while the map is written (a GroupNorm's 32, 1 for a
    /// mean over the whole map), 0 for none.</param>
    public SpilledMap(SpillFiles files, long channels, long height, long width, ScalarType type, int scale, int sumGroups = 0)
    {
        (Channels, Height, Width, Type, Scale) = (channels, height, width, type, scale);
        rowBytes = width * channels * ElementSize(type);
        this.files = files;
        file = files.Take(Bytes);
        if (sumGroups > 0) Sums = new GroupSums(sumGroups);
    }

    public long Bytes => rowBytes * Height;

    /// <summary>Writes rows [row, row + rows.shape[2]) from <paramref name="rows"/> [1, C, r, W] (any memory order)
    /// and adds them to <see cref="Sums"/>.</summary>
    public void Write(long row, Tensor rows)
    {
        if (rows.shape[1] != Channels || rows.shape[3] != Width || row < 0 || row + rows.shape[2] > Height)
            throw new ArgumentException($"rows [{string.Join(", ", rows.shape)}] at {row} do not fit a {Channels}x{Height}x{Width} map");
        using var scope = NewDisposeScope();
        var nhwc = rows.to(Type).permute(0, 2, 3, 1).contiguous();
        Sums?.Add(nhwc);
        RandomAccess.Write(file, nhwc.bytes, row * rowBytes);
    }

    /// <summary>Rows [row, row + count) as [1, C, count, W] in channels-last order.</summary>
    public Tensor Read(long row, long count)
    {
        if (row < 0 || count < 1 || row + count > Height)
            throw new ArgumentOutOfRangeException(nameof(row), $"rows [{row}, {row + count}) are outside a map of {Height} rows");
        var nhwc = empty(1, count, Width, Channels, dtype: Type);
        var span = nhwc.bytes;
        for (int done = 0; done < span.Length;)
        {
            int n = RandomAccess.Read(file, span[done..], row * rowBytes + done);
            if (n == 0) throw new IOException("a spilled feature map ended early (its temporary file was truncated)");
            done += n;
        }
        return nhwc.permute(0, 3, 1, 2);
    }

    static long ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        ScalarType.Float64 => 8,
        _ => throw new ArgumentException($"cannot spill a {type} map"),
    };

    public void Dispose() => files.Give(file);
}
