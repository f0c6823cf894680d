using static TorchSharp.torch;

namespace Ridcp.Bricks.ImageWide;

/// <summary>The image-wide quantities of a network run tile by tile: every GroupNorm's per-group mean and variance
/// and the means of RIDCP's feature normalisation (NFA). A whole-image forward computes them over the whole map;
/// a tile sees only part of it. While a statistics object is active (<see cref="Enter"/>), the layers that compute
/// such a quantity ask it instead of reducing their own input: it records the sums over the tile's core (the part
/// of the tile whose output is kept; the cores partition the image) and, once a pass over all tiles has ended
/// (<see cref="EndPass"/>), hands every later tile the image-wide values of that pass.</summary>
/// <remarks>Sites are identified by the order in which a forward reaches them (the k-th GroupNorm call of a tile
/// is the k-th of every tile), so no layer needs a name. The first pass normalises each tile by its own
/// statistics; the values it records are exact for the first site and close for the later ones, each pass makes
/// them closer (a site's sums depend on the values applied at earlier sites) - docs/tiling.md measures how many
/// passes are needed. Sums are accumulated in double precision.</remarks>
public sealed class ImageWideStatistics
{
    [ThreadStatic] static ImageWideStatistics? active;

    /// <summary>The statistics of the tile being computed on this thread, or null (whole-image forward).</summary>
    public static ImageWideStatistics? Active => active;

    List<SiteSums> recording = [];
    List<SiteSums>? applied;
    int nextSite;
    TileCore core;

    /// <summary>Number of complete passes whose values are applied now (0: tiles use their own statistics).</summary>
    public int PassesDone { get; private set; }

    /// <summary>Largest relative change of any site's mean or standard deviation between the last two passes: how
    /// far the applied values still are from a fixed point (NaN before the second pass).</summary>
    public double LastChange { get; private set; } = double.NaN;

    /// <summary>Applied per-site means, averaged over groups (diagnostics and tests).</summary>
    public IReadOnlyList<double> AppliedMeans() => applied?.Select(a => a.GroupMoments().Mean.Average()).ToList() ?? [];

    /// <summary>Makes this object active on the current thread for one tile's forward.</summary>
    public IDisposable Enter(TileCore tileCore)
    {
        core = tileCore;
        nextSite = 0;
        var previous = active;
        active = this;
        return new Restore(previous);
    }

    /// <summary>All tiles of a pass are done: its sums become the values applied from now on.</summary>
    public void EndPass()
    {
        if (applied is not null) LastChange = applied.Zip(recording, (a, b) => a.RelativeChange(b)).DefaultIfEmpty(0).Max();
        applied = recording;
        recording = [];
        PassesDone++;
    }

    /// <summary>GroupNorm of x [B, C, H, W] (torch.nn.GroupNorm semantics: biased variance over each group's
    /// channels and pixels) with the image-wide statistics when a pass has been completed.</summary>
    public Tensor GroupNorm(Tensor x, int groups, double eps, Tensor? weight, Tensor? bias)
    {
        int site = nextSite++;
        long b = x.shape[0], c = x.shape[1];
        Record(site, x, groups);
        if (applied is null) return nn.functional.group_norm(x, groups, weight, bias, eps);
        using var scope = NewDisposeScope();
        var (mean, variance) = applied[site].GroupMoments();
        var m = tensor(mean, dtype: x.dtype, device: x.device).view(1, groups, 1);
        var inv = tensor(variance.Select(v => 1.0 / Math.Sqrt(v + eps)).ToArray(), dtype: x.dtype, device: x.device).view(1, groups, 1);
        var y = ((x.reshape(b, groups, -1) - m) * inv).view(x.shape);
        if (weight is not null) y = y * weight.view(1, c, 1, 1);
        if (bias is not null) y = y + bias.view(1, c, 1, 1);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>mean(numerator) / mean(denominator) over all elements, image-wide once a pass is complete (NFA of
    /// the official MultiScaleDecoder: x + x_vq * (x.mean() / x_vq.mean())).</summary>
    public Tensor MeanRatio(Tensor numerator, Tensor denominator)
    {
        int a = nextSite++, b = nextSite++;
        Record(a, numerator, 1);
        Record(b, denominator, 1);
        if (applied is null) return numerator.mean() / denominator.mean();
        double ratio = applied[a].GroupMoments().Mean[0] / applied[b].GroupMoments().Mean[0];
        return tensor((float)ratio, dtype: numerator.dtype, device: numerator.device);
    }

    void Record(int site, Tensor x, int groups)
    {
        using var scope = NewDisposeScope();
        var part = core.Of(x);                                                  // [B, C, h, w] of the core
        var flat = part.reshape(x.shape[0], groups, -1).transpose(0, 1).reshape(groups, -1);
        double[] sum = flat.sum([1], type: ScalarType.Float64).cpu().data<double>().ToArray();
        double[] sumSq = flat.square().sum([1], type: ScalarType.Float64).cpu().data<double>().ToArray();
        while (recording.Count <= site) recording.Add(new SiteSums(groups));
        recording[site].Add(sum, sumSq, flat.shape[1]);
    }

    sealed class Restore(ImageWideStatistics? previous) : IDisposable
    {
        public void Dispose() => active = previous;
    }
}
