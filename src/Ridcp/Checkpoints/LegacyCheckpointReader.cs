using System.Numerics;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>Reads the legacy format of torch.save (<c>_use_new_zipfile_serialization=False</c>, and every file before
/// torch 1.6): a pickled magic number, a pickled protocol version (1001), a pickled sys-info dict, the object pickle
/// with persistent ids, the pickled list of storage keys, then per key an int64 element count and the raw elements.</summary>
internal static class LegacyCheckpointReader
{
    static readonly BigInteger Magic = BigInteger.Parse("119547037146038801333356");   // 0x1950a86a20f9469cfc6c
    const long ProtocolVersion = 1001;

    public static Checkpoint Read(Stream file, string path)
    {
        var host = new TorchPickleHost(path);
        var pickles = new PickleReader(file, path, host);
        if (!Equals(pickles.Load(), (object)Magic))
            throw new CheckpointFormatException($"checkpoint '{path}' is not a PyTorch checkpoint (no torch.save magic number)");
        if (pickles.Load() is not ProtocolVersion)
            throw new CheckpointFormatException($"checkpoint '{path}' has an unsupported legacy protocol version");
        bool bigEndian = pickles.Load() is CheckpointDict info && info.TryGetValue("little_endian", out var le) && le is false;

        object? root = pickles.Load();
        var keys = pickles.Load() is IReadOnlyList<object?> list && list.All(k => k is string)
            ? list.Cast<string>().ToList()
            : throw new CheckpointFormatException($"checkpoint '{path}' is damaged: bad storage key list");

        var storages = host.Storages.ToDictionary(s => s.Key);
        var missing = storages.Keys.Except(keys).FirstOrDefault();
        if (missing is not null) throw new CheckpointFormatException($"checkpoint '{path}' is damaged: storage {missing} has no data");
        var source = new LegacyStorageSource(file, keys, storages, bigEndian, path);
        var created = new List<Tensor>();
        root = TensorMaterializer.Resolve(root, host, source, path, created);
        return new Checkpoint(root, path, CheckpointFileFormat.Legacy, created);
    }
}
