using SkiaSharp;

namespace Ridcp.Imaging;

/// <summary>Turns a stored image into the upright one its EXIF orientation tag (0x0112) describes, so a portrait
/// photo from a camera is dehazed and written the way viewers show it.</summary>
internal static class ExifOrientation
{
    public static RgbImage Apply(RgbImage s, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0) return s;
        int w = s.Width, h = s.Height;
        bool swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int dw = swaps ? h : w, dh = swaps ? w : h;
        var d = new RgbImage(dw, dh);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < dh; y++)
                for (int x = 0; x < dw; x++)
                {
                    // (sx, sy): the stored pixel shown at (x, y) for each of the eight EXIF orientations.
                    var (sx, sy) = origin switch
                    {
                        SKEncodedOrigin.TopRight => (w - 1 - x, y),            // 2: mirrored left-right
                        SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y), // 3: rotated 180
                        SKEncodedOrigin.BottomLeft => (x, h - 1 - y),          // 4: mirrored top-bottom
                        SKEncodedOrigin.LeftTop => (y, x),                     // 5: transposed
                        SKEncodedOrigin.RightTop => (y, h - 1 - x),            // 6: needs 90 deg clockwise
                        SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x), // 7: transverse
                        SKEncodedOrigin.LeftBottom => (w - 1 - y, x),          // 8: needs 90 deg counter-clockwise
                        _ => (x, y),
                    };
                    d[c, y, x] = s[c, sy, sx];
                }
        return d;
    }
}
