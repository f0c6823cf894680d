using System.Security.Cryptography;
using Ridcp.Baselines;
using Ridcp.Imaging;
using Ridcp.Inference;

namespace Ridcp.Cli.Serve;

/// <summary>What the web app does with an upload: RIDCP with a CHM alpha (encoder output cached per image, so a new
/// alpha re-runs only matching and the decoders) or the dark channel prior baseline. Synchronous; the caller runs
/// it through the <see cref="WorkQueue"/>.</summary>
public sealed class DehazeService(Dehazer dehazer, bool hasChmWeight, long maxPixels, int cachedImages, long cacheBytes) : IDisposable
{
    readonly EncodedImageCache cache = new(cachedImages, cacheBytes);

    /// <summary>False when the model was loaded without a CHM weight: plain matching, alpha refused.</summary>
    public bool HasChmWeight => hasChmWeight;
    /// <summary>The alpha used when a request gives none (the official -21.25 unless --alpha says otherwise).</summary>
    public float DefaultAlpha => dehazer.Alpha;
    public int CachedImages => cache.Count;
    /// <summary>Native memory the cached encoder outputs hold, and the most they may hold.</summary>
    public long CachedBytes => cache.Bytes;
    public long CacheBudgetBytes => cache.BudgetBytes;

    /// <summary>Id of an upload: the first 16 bytes of its SHA-256, hex.</summary>
    public static string ImageId(byte[] upload) => Convert.ToHexStringLower(SHA256.HashData(upload).AsSpan(0, 16));

    /// <exception cref="UploadTooLargeException">the header declares more than the pixel limit</exception>
    /// <exception cref="InvalidDataException">not a readable image, or too small for the network</exception>
    public DehazeResult WithNetwork(byte[] upload, float? alpha)
    {
        CheckAlpha(alpha);
        string id = ImageId(upload);
        var encoded = cache.Find(id);
        if (encoded is not null) return Result(encoded, id, hit: true, alpha);
        encoded = dehazer.Encode(Decode(upload));
        // An image over the whole cache budget is dehazed all the same, just not kept for the next alpha.
        bool kept = cache.Add(id, encoded);
        try { return Result(encoded, id, hit: false, alpha); }
        finally { if (!kept) encoded.Dispose(); }
    }

    /// <summary>Another alpha for an image uploaded before, by its <see cref="ImageId"/>, without its bytes (the
    /// page's α slider); null when its encoder output is no longer cached, so the caller must send the image again.</summary>
    public DehazeResult? WithCachedImage(string imageId, float? alpha)
    {
        CheckAlpha(alpha);
        return cache.Find(imageId) is { } encoded ? Result(encoded, imageId, hit: true, alpha) : null;
    }

    void CheckAlpha(float? alpha)
    {
        if (alpha is not null && !hasChmWeight)
            throw new ArgumentException("this model was loaded without a CHM weight, so it takes no alpha (start serve with --chm-weight)");
    }

    /// <summary>Matching and the decoders at the request's alpha (the server's default when none).</summary>
    DehazeResult Result(EncodedImage encoded, string id, bool hit, float? alpha)
    {
        float a = hasChmWeight ? alpha ?? dehazer.Alpha : 0f;
        return new DehazeResult(ImageFile.EncodePng(dehazer.Decode(encoded, a)), id, hit, hasChmWeight ? a : null);
    }

    /// <inheritdoc cref="WithNetwork"/>
    public DehazeResult WithDarkChannelPrior(byte[] upload) =>
        new(ImageFile.EncodePng(DarkChannelPrior.Dehaze(Decode(upload))), ImageId(upload), false, null);

    /// <summary>The pixel limit from the header first (413), then the decode (400 when it fails).</summary>
    RgbImage Decode(byte[] upload)
    {
        var (w, h) = ImageFile.PeekSize(upload, "upload");
        if ((long)w * h > maxPixels) throw new UploadTooLargeException($"image too large: {w}x{h}; at most {maxPixels} pixels");
        return ImageFile.Decode(upload, "upload", maxPixels);
    }

    public void Dispose()
    {
        cache.Dispose();
        dehazer.Dispose();
    }
}
