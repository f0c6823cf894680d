namespace Ridcp.Synthesis;

/// <summary>The official training augmentation of HazeOnlineDataset (RIDCP_dehazing
/// basicsr/data/haze_online_siamese_dataset.py with options/RIDCP.yml: gt_size 256, use_resize_crop, use_flip,
/// no rotation), applied identically to the clear and the hazy image:
/// random resize so the short side is s ~ U{gt_size, …, short side} (factor (gt_size + 1)/short side when the image
/// is not larger than gt_size), bicubic (cv2.INTER_CUBIC); random gt_size crop; horizontal flip with probability 0.5.</summary>
public static class PairAugmentation
{
    /// <summary>Where a patch comes from, enough to redo it.</summary>
    public readonly record struct Placement(double Factor, int ResizedWidth, int ResizedHeight, int Left, int Top, bool Flip);

    public static Placement Draw(int width, int height, int gtSize, bool useFlip, SynthesisRng rng)
    {
        if (gtSize < 1) throw new ArgumentException($"gt_size must be positive, got {gtSize}");
        int shortSide = Math.Min(width, height);
        double factor = shortSide > gtSize ? (double)rng.NextInt(gtSize, shortSide) / shortSide : (gtSize + 1.0) / shortSide;
        // cv2.resize(fx, fy) with no dsize: size = round(size * f) (cvRound, half to even)
        int rw = Math.Max(gtSize, (int)Math.Round(width * factor)), rh = Math.Max(gtSize, (int)Math.Round(height * factor));
        int top = rng.NextInt(0, rh - gtSize), left = rng.NextInt(0, rw - gtSize);
        bool flip = useFlip && rng.NextDouble() < 0.5;
        return new Placement(factor, rw, rh, left, top, flip);
    }

    /// <summary>The patch of a planar [3,H,W] image at a placement, [3, gtSize, gtSize].</summary>
    public static float[] Cut(float[] image, int width, int height, int gtSize, Placement p)
    {
        var patch = Resampling.BicubicWindow(image, 3, width, height, p.Factor, p.Left, p.Top, gtSize, gtSize);
        if (p.Flip)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < gtSize; y++)
                    Array.Reverse(patch, (c * gtSize + y) * gtSize, gtSize);
        return patch;
    }
}
