using Ridcp.Inference;

namespace Ridcp.Cli.Serve;

/// <summary>The encoder outputs of the last few uploaded images, keyed by a hash of the uploaded bytes, so moving
/// the α slider re-runs only matching and the decoders. Bounded twice: by entries and by the native memory they
/// hold (one large photo's features take hundreds of MB, so a count alone does not bound memory). Least recently
/// used first out; evicted entries are disposed. Used under the work queue (one request at a time), locked anyway.</summary>
public sealed class EncodedImageCache(int capacity, long budgetBytes) : IDisposable
{
    readonly LinkedList<(string Key, EncodedImage Image)> entries = new();
    readonly Lock gate = new();
    long bytes;

    public int Count { get { lock (gate) return entries.Count; } }
    /// <summary>Native memory held by the cached entries.</summary>
    public long Bytes { get { lock (gate) return bytes; } }
    public long BudgetBytes => budgetBytes;

    public EncodedImage? Find(string key)
    {
        lock (gate)
        {
            for (var node = entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key != key) continue;
                entries.Remove(node);
                entries.AddFirst(node);
                return node.Value.Image;
            }
            return null;
        }
    }

    /// <summary>Keeps <paramref name="image"/> as the most recently used entry, evicting the least recently used
    /// ones until both bounds hold. An image larger than the whole budget is not kept (it would evict everything
    /// and still not fit): false, and the caller still owns and disposes it.</summary>
    public bool Add(string key, EncodedImage image)
    {
        long size = image.Bytes;
        if (size > budgetBytes) return false;
        lock (gate)
        {
            entries.AddFirst((key, image));
            bytes += size;
            while (entries.Count > capacity || bytes > budgetBytes)
            {
                var evicted = entries.Last!.Value.Image;
                entries.RemoveLast();
                bytes -= evicted.Bytes;
                evicted.Dispose();
            }
            return true;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var (_, image) in entries) image.Dispose();
            entries.Clear();
            bytes = 0;
        }
    }
}
