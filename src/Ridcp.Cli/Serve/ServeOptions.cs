namespace Ridcp.Cli.Serve;

/// <summary>What `ridcp serve` listens on and the limits that keep one machine safe from its uploads.</summary>
public sealed record ServeOptions
{
    /// <summary>Loopback by default: the app is for the user's own machine.</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 = any free port (tests).</summary>
    public int Port { get; init; } = 5180;
    /// <summary>Largest upload accepted, in bytes (413 above it).</summary>
    public long MaxUploadBytes { get; init; } = 50L << 20;
    /// <summary>Largest image accepted, in pixels, read from the image header before decoding (413 above it).
    /// Default 4096x4096: the network's activations at that size already take several GB.</summary>
    public long MaxPixels { get; init; } = 4096L * 4096;
    /// <summary>Requests that may wait while one is processed; any more get 503.</summary>
    public int WaitingSlots { get; init; } = 4;
    /// <summary>Uploaded images whose encoder output is kept for the α slider (oldest dropped first).</summary>
    public int CachedImages { get; init; } = 4;
    /// <summary>Native memory the cached encoder outputs may hold (least recently used dropped first); null =
    /// <see cref="DefaultCacheShareOfBudget"/> of the process's memory budget.</summary>
    public long? CacheMemoryBytes { get; init; }

    /// <summary>A quarter of the memory budget (itself half the available memory by default): the rest stays for
    /// the one request that runs, whose activations are several times its image's encoder output.</summary>
    public const double DefaultCacheShareOfBudget = 0.25;

    /// <summary>The cache's byte budget given the process's memory budget (<see cref="Inference.Dehazer.MemoryBudgetBytes"/>).</summary>
    public long CacheBudgetBytes(long memoryBudgetBytes) => CacheMemoryBytes ?? (long)(memoryBudgetBytes * DefaultCacheShareOfBudget);

    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port must be 0..65535, got {Port}");
        if (MaxUploadBytes <= 0) throw new ArgumentException("the upload limit must be positive");
        if (MaxPixels <= 0) throw new ArgumentException("--max-pixels must be positive");
        if (WaitingSlots < 0) throw new ArgumentException($"--queue must be 0 or more, got {WaitingSlots}");
        if (CachedImages < 1) throw new ArgumentException($"--cache must be 1 or more, got {CachedImages}");
        if (CacheMemoryBytes <= 0) throw new ArgumentException($"--cache-memory must be positive, got {CacheMemoryBytes}");
    }
}
