namespace Ridcp.Cli.Serve;

/// <summary>A dehazed upload: the PNG, the upload's id (hash of its bytes), whether the encoder output came from the
/// cache, and the CHM alpha used (null for the dark channel prior).</summary>
public sealed record DehazeResult(byte[] Png, string ImageId, bool CacheHit, float? Alpha);
