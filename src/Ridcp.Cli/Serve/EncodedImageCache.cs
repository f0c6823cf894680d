using Ridcp.Inference;

namespace Ridcp.Cli.Serve;

/// <summary>The encoder outputs of the last few uploaded images, keyed by a hash of the uploaded bytes, so moving
/// the α slider re-runs only matching and the decoders. Least recently used first out; evicted entries are
/// disposed (native memory). Used under the work queue (one request at a time), locked anyway.</summary>
public sealed class EncodedImageCache(int capacity) : IDisposable
{
    readonly LinkedList<(string Key, EncodedImage Image)> entries = new();
    readonly Lock gate = new();

    public int Count { get { lock (gate) return entries.Count; } }

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

    public void Add(string key, EncodedImage image)
    {
        lock (gate)
        {
            entries.AddFirst((key, image));
            while (entries.Count > capacity)
            {
                entries.Last!.Value.Image.Dispose();
                entries.RemoveLast();
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var (_, image) in entries) image.Dispose();
            entries.Clear();
        }
    }
}
