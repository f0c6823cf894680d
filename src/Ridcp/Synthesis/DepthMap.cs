namespace Ridcp.Synthesis;

/// <summary>A single-channel map of depth or inverse depth, row-major [Height, Width]. NaN marks pixels without a
/// value (stereo occlusions in the shared ground truth).</summary>
public sealed class DepthMap
{
    public int Width { get; }
    public int Height { get; }
    public float[] Values { get; }

    public DepthMap(int width, int height, float[] values)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"depth map size must be positive, got {width}x{height}");
        if (values.Length != width * height) throw new ArgumentException("depth values do not match width*height");
        Width = width; Height = height; Values = values;
    }

    /// <summary>The map scaled to [0,1] by its finite minimum and maximum, as the official loader does
    /// ((d − min)/(max − min)). Deliberate deviations, both for inputs the official data never has:
    /// NaN/±inf pixels are first filled from their row (see <see cref="FillMissing"/>); a constant map becomes 0.5
    /// everywhere (the official division would give NaN).</summary>
    public float[] Normalised(DepthKind kind = DepthKind.Inverse)
    {
        var v = FillMissing(kind);
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < v.Length; i++) { if (v[i] < min) min = v[i]; if (v[i] > max) max = v[i]; }
        var n = new float[v.Length];
        if (!(max > min)) { Array.Fill(n, 0.5f); return n; }
        double scale = 1.0 / ((double)max - min);
        for (int i = 0; i < v.Length; i++) n[i] = (float)((v[i] - (double)min) * scale);
        return n;
    }

    /// <summary>Values with every non-finite pixel replaced. The usual cause is stereo occlusion: the hidden pixels
    /// belong to the surface behind, so each gap in a row takes the farther of the two values bounding it (the
    /// smaller one for inverse depth, the larger one for depth). Rows with no finite value take the mean of the
    /// finite pixels. Throws when the map has no finite value at all.</summary>
    public float[] FillMissing(DepthKind kind = DepthKind.Inverse)
    {
        var v = (float[])Values.Clone();
        double sum = 0; long count = 0;
        foreach (var x in v) if (float.IsFinite(x)) { sum += x; count++; }
        if (count == 0) throw new InvalidDataException("depth map has no finite value");
        if (count == v.Length) return v;
        float mean = (float)(sum / count);
        for (int y = 0; y < Height; y++)
        {
            int row = y * Width;
            int x = 0;
            while (x < Width)
            {
                if (float.IsFinite(v[row + x])) { x++; continue; }
                int start = x;
                while (x < Width && !float.IsFinite(v[row + x])) x++;
                float left = start > 0 ? v[row + start - 1] : float.NaN;
                float right = x < Width ? v[row + x] : float.NaN;
                float fill = float.IsNaN(left) ? (float.IsNaN(right) ? mean : right) : float.IsNaN(right) ? left : kind == DepthKind.Inverse ? Math.Min(left, right) : Math.Max(left, right);
                for (int i = start; i < x; i++) v[row + i] = fill;
            }
        }
        return v;
    }

    /// <summary>Bilinear resize (half-pixel centres), for `--resize-depth` and model outputs. NaNs are filled first.</summary>
    public DepthMap Resize(int width, int height, DepthKind kind = DepthKind.Inverse)
    {
        if (width == Width && height == Height) return this;
        return new DepthMap(width, height, Resampling.Bilinear(FillMissing(kind), Width, Height, width, height));
    }
}
