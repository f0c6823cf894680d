using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ridcp.Training.Data;

/// <summary>Stage-1 data: random crops of clear photos, as FeMaSR's HQ stage (gt_size crops; use_resize_crop: a
/// random rescale between the crop size and the image's shorter side, done here by cropping a square of random size
/// and resizing it to gt_size; use_flip / use_rot: BasicSR augment — horizontal flip, vertical flip, transpose, each
/// with probability 1/2). Sample k draws from <see cref="SampleRandom.For"/>(seed, k).</summary>
public sealed class ClearCropSource : ITrainingDataSource
{
    private readonly IReadOnlyList<ImageCache.Entry> images;
    private readonly int gtSize;
    private readonly bool resizeCrop, flip, rot;
    private readonly long seed;
    private long next;

    public ClearCropSource(IReadOnlyList<ImageCache.Entry> images, int gtSize, bool resizeCrop, bool flip, bool rot, long seed, long startSample)
    {
        if (images.Count == 0) throw new ArgumentException("no training images");
        this.images = images; this.gtSize = gtSize; this.resizeCrop = resizeCrop; this.flip = flip; this.rot = rot;
        this.seed = seed; next = startSample;
    }

    public string Describe() => $"{images.Count} clear images, {gtSize}px crops, resize_crop {resizeCrop}, flip {flip}, rot {rot}";

    public TrainBatch Next(int batchSize)
    {
        using var scope = NewDisposeScope();
        var crops = new Tensor[batchSize];
        for (int b = 0; b < batchSize; b++) crops[b] = Sample(next + b);
        next += batchSize;
        var gt = cat(crops, 0).MoveToOuterDisposeScope();
        return new TrainBatch(gt, null, next);
    }

    /// <summary>Sample k as [1,3,gt,gt].</summary>
    public Tensor Sample(long k)
    {
        using var scope = NewDisposeScope();
        var rng = SampleRandom.For(seed, k);
        var e = images[rng.Next(images.Count)];
        int minSide = Math.Min(e.Width, e.Height);
        int side = Math.Min(gtSize, minSide);
        if (resizeCrop && minSide > gtSize) side = gtSize + rng.Next(minSide - gtSize + 1);
        int y = rng.Next(e.Height - side + 1), x = rng.Next(e.Width - side + 1);
        var planes = tensor(e.Planes, [3, e.Height, e.Width]);
        var crop = planes.narrow(1, y, side).narrow(2, x, side).to(ScalarType.Float32).div(255f).unsqueeze(0);
        if (side != gtSize)
            crop = F.interpolate(crop, size: [gtSize, gtSize], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        if (flip && rng.Next(2) == 1) crop = crop.flip(3);
        if (rot)
        {
            if (rng.Next(2) == 1) crop = crop.flip(2);
            if (rng.Next(2) == 1) crop = crop.transpose(2, 3);
        }
        return crop.contiguous().MoveToOuterDisposeScope();
    }

    public void Dispose() { }
}
