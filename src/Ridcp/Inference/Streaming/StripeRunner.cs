using static TorchSharp.torch;

namespace Ridcp.Inference.Streaming;

/// <summary>Runs one stage of a streamed forward over horizontal stripes of the image: for each stripe of output
/// rows it reads the input maps' rows of the stripe plus a halo above and below (whole width), computes, and hands
/// the stripe's own rows to a sink. A halo at least the stage's reach makes every kept row exact: rows near a
/// window's edge that is not the image's edge are wrong (their neighbours are missing) and are dropped, and at the
/// image's edges the window's edge is the image's, where convolutions pad exactly as on the whole map.</summary>
/// <remarks>Positions are input pixels of the padded image. Stripes and halos are multiples of the largest scale the
/// stage reads or writes (its unit), so that every map's window starts on a whole row; the Swin layers' stage asks
/// for <see cref="StripeAlignment"/> (32 px, a window of the latent grid), so that its windows partition a stripe
/// as they partition the image.</remarks>
public sealed class StripeRunner(long heightPx, long widthPx, long stripeBudgetBytes, int stages, Action<StreamProgress>? progress)
{
    public const int StripeAlignment = 32;

    int stage;

    /// <summary>Rows of input pixels per stripe for a stage needing <paramref name="bytesPerPixel"/> per input pixel
    /// of its window: as many as the budget (at most <paramref name="capBytes"/>) holds with the halos, a multiple of
    /// <paramref name="unit"/>, at least <see cref="StripeAlignment"/>.</summary>
    public long StripeRows(double bytesPerPixel, int haloPx, long capBytes, int unit = StripeAlignment)
    {
        long window = (long)(Math.Min(stripeBudgetBytes, capBytes) / Math.Max(1.0, bytesPerPixel * widthPx));
        long rows = (window - 2L * haloPx) / unit * unit;
        return Math.Clamp(rows, StripeAlignment, (heightPx + unit - 1) / unit * unit);
    }

    /// <summary>The window handed to a stage's computation: the inputs' rows [TopPx, BottomPx) (in each map's own
    /// rows: divided by its scale).</summary>
    public sealed record Window(Tensor[] Inputs, long TopPx, long BottomPx, long KeptTopPx, long KeptBottomPx, long ImageHeightPx)
    {
        /// <summary>The stripe's own rows [From, To) in the window, in the rows of a map at 1/<paramref name="scale"/>.</summary>
        public (long From, long To) KeptRows(int scale) => ((KeptTopPx - TopPx) / scale, (KeptBottomPx - TopPx) / scale);

        public bool AtImageTop => TopPx == 0;
        public bool AtImageBottom => BottomPx == ImageHeightPx;
    }

    /// <summary>Runs a stage. <paramref name="compute"/> returns the output of the window (its first row at the
    /// window's top, at <paramref name="outScale"/>), or null when the window was too small for it (the warp
    /// blocks' deformable samples reached beyond it): the stripe is then computed again with twice the halo.</summary>
    /// <param name="sink">Receives each stripe's rows: first row (in output-map rows) and [1, C, rows, W].</param>
    /// <param name="capBytes">The most memory this stage's stripes are sized for, whatever the budget.</param>
    /// <param name="alignment">Multiple of input rows the stripes start on (null: the stage's unit).</param>
    public void Run(string name, IReadOnlyList<IFeatureRows> inputs, int haloPx, double bytesPerPixel, int outScale,
                    Func<Window, Tensor?> compute, Action<long, Tensor> sink, long capBytes, int? alignment = null)
    {
        stage++;
        int unit = inputs.Select(i => i.Scale).Append(outScale).Max();
        if (haloPx % unit != 0 || (alignment ?? unit) % unit != 0)
            throw new ArgumentException($"stage '{name}': a halo of {haloPx} px or stripes on multiples of {alignment} px do not start every map on a whole row");
        long stripe = StripeRows(bytesPerPixel, haloPx, capBytes, alignment ?? unit);
        int count = (int)((heightPx + stripe - 1) / stripe);
        long halo = haloPx;   // grown where a stripe needs more, and kept: the next stripe likely needs as much
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int s = 0; s < count; s++)
        {
            long r0 = s * stripe, r1 = Math.Min(heightPx, r0 + stripe);
            for (; ; halo *= 2)
            {
                using var scope = NewDisposeScope();
                long top = Math.Max(0, r0 - halo), bottom = Math.Min(heightPx, r1 + halo);
                var windows = inputs.Select(i => i.Read(top / i.Scale, (bottom - top) / i.Scale)).ToArray();
                var output = compute(new Window(windows, top, bottom, r0, r1, heightPx));
                if (output is null)
                {
                    if (top == 0 && bottom == heightPx) throw new InvalidOperationException($"stage '{name}' refused the whole image as its window");
                    continue;
                }
                sink(r0 / outScale, output.narrow(2, (r0 - top) / outScale, (r1 - r0) / outScale));
                break;
            }
            progress?.Invoke(new StreamProgress(stage, stages, name, s + 1, count, stripe, (int)halo, clock.Elapsed));
        }
    }
}
