using Ridcp.Core;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Residual;

/// <summary>Image-wide sums of a feature map, gathered stripe by stripe: per channel group the sum and the sum of
/// squares, in double precision, so that the stripes' sums add up to the whole map's. They give the GroupNorm
/// moments and the NFA means a whole-image forward computes over the whole map.</summary>
public sealed class GroupSums(int groups)
{
    readonly double[] sum = new double[groups];
    readonly double[] sumSq = new double[groups];
    long count;

    /// <summary>Adds a stripe [1, rows, W, C] (channels innermost, dense).</summary>
    public void Add(Tensor nhwc)
    {
        long c = nhwc.shape[^1];
        if (c % groups != 0) throw new ArgumentException($"{c} channels do not split into {groups} groups");
        if (ChannelSums.Supports(nhwc)) AddPerChannel(nhwc, (int)c);
        else AddByTensors(nhwc, c);
        count += nhwc.numel() / groups;
    }

    /// <summary>A dense CPU map: one pass of <see cref="ChannelSums"/>, each group the sum of its channels'.</summary>
    void AddPerChannel(Tensor nhwc, int c)
    {
        double[] channelSum = new double[c], channelSumSq = new double[c];
        ChannelSums.Add(nhwc, channelSum, channelSumSq);
        int perGroup = c / groups;
        for (int j = 0; j < c; j++)
        {
            sum[j / perGroup] += channelSum[j];
            sumSq[j / perGroup] += channelSumSq[j];
        }
    }

    /// <summary>Any other map (strided, another type or device) with LibTorch's reductions.</summary>
    void AddByTensors(Tensor nhwc, long c)
    {
        using var scope = NewDisposeScope();
        var grouped = nhwc.reshape(-1, groups, c / groups);
        // Chunks of 64 K pixels; within a chunk, runs of 256 pixels summed in float32 (error ~16 ulp) and the runs'
        // sums added in double. A chunk's float32 sum in one go accumulated 64 K values one after the other, which
        // cost a map whose mean is 10x its spread (the bundled model's encoder) 2.6e-3 on normalised values through
        // the cancellation in E[x^2] - E[x]^2; a double copy of the stripe cost as much as the layers that made it.
        const long step = 1 << 16, run = 256;
        for (long p0 = 0; p0 < grouped.shape[0]; p0 += step)
        {
            using var chunk = NewDisposeScope();
            var part = grouped.narrow(0, p0, Math.Min(step, grouped.shape[0] - p0));
            if (part.dtype != ScalarType.Float32) part = part.to(ScalarType.Float32);
            var squares = part.square();
            long bulk = part.shape[0] / run * run;
            var sums = new List<Tensor>();
            foreach (var t in new[] { part, squares })
            {
                var runs = bulk > 0 ? t.narrow(0, 0, bulk).view(bulk / run, run, groups, -1).sum([1, 3]).to(ScalarType.Float64).sum([0]) : zeros(groups, dtype: ScalarType.Float64);
                if (bulk < t.shape[0]) runs = runs + t.narrow(0, bulk, t.shape[0] - bulk).sum([0, 2]).to(ScalarType.Float64);
                sums.Add(runs);
            }
            var both = cat(sums).cpu().data<double>().ToArray();
            for (int g = 0; g < groups; g++) { sum[g] += both[g]; sumSq[g] += both[groups + g]; }
        }
    }

    /// <summary>Per group mean and biased variance (the GroupNorm definitions).</summary>
    public (double[] Mean, double[] Variance) Moments()
    {
        if (count == 0) throw new InvalidOperationException("no rows were summed");
        var mean = sum.Select(s => s / count).ToArray();
        var variance = sumSq.Select((q, g) => Math.Max(0, q / count - mean[g] * mean[g])).ToArray();
        return (mean, variance);
    }

    /// <summary>Mean over all values (one group).</summary>
    public double Mean => sum.Sum() / ((double)count * groups);
}
