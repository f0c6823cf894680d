using Ridcp.Checkpoints;
using Ridcp.Models;
using static TorchSharp.torch;

namespace Ridcp.Inference;

/// <summary>A network checkpoint as the dehazer sees it: the state dict (under 'params' as in the official files,
/// or at top level) and, in our own files, the architecture options under <see cref="Dehazer.ArchKey"/>.
/// Every failure to read it becomes an exception naming the file (not found, or invalid data).</summary>
internal sealed class ModelCheckpoint : IDisposable
{
    readonly Checkpoint file;
    public StateDict StateDict { get; }
    /// <summary>Null for the official layout (no options stored): the caller uses the official configuration.</summary>
    public VQWeightDehazeNetOptions? Architecture { get; }

    ModelCheckpoint(Checkpoint file, StateDict stateDict, VQWeightDehazeNetOptions? architecture)
    {
        this.file = file; StateDict = stateDict; Architecture = architecture;
    }

    public static ModelCheckpoint Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        var file = Guard(path, () => TorchCheckpoint.Load(path));
        try
        {
            var sd = TorchCheckpoint.StateDictOf(file);
            VQWeightDehazeNetOptions? arch = null;
            if (file.RootDict.TryGetValue(Dehazer.ArchKey, out var raw) && raw is not null)
            {
                if (raw is not CheckpointDict d)
                    throw new InvalidDataException($"checkpoint {path}: '{Dehazer.ArchKey}' is {CheckpointDict.PythonTypeName(raw)}, not a dict");
                try
                {
                    arch = VQWeightDehazeNetOptions.FromDictionary(d);
                    arch.Validate();
                    arch.CheckAgainst(sd.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
                }
                catch (ArgumentException e) { throw new InvalidDataException($"checkpoint {path}: invalid architecture options: {e.Message}", e); }
            }
            StateDictLoader.RequireFinite(sd, $"checkpoint '{path}'");
            return new ModelCheckpoint(file, sd, arch);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The bare tensor of a file such as the CHM weight, as float32.</summary>
    public static Tensor ReadTensor(string path, string what)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} not found: {path}", path);
        var t = Guard(path, () => TorchCheckpoint.ReadTensor(path));
        if (t.dtype == ScalarType.Float32) return t;
        var f = t.to(ScalarType.Float32);
        t.Dispose();
        return f;
    }

    /// <summary>Reader failures other than the documented ones (a truncated zip can surface as an end-of-stream
    /// error) are bad input too, not output errors or internal ones.</summary>
    static T Guard<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is not (FileNotFoundException or CheckpointFormatException or InvalidDataException or OutOfMemoryException))
        {
            throw new InvalidDataException($"cannot read checkpoint {path}: {e.Message}", e);
        }
    }

    public void Dispose() => file.Dispose();
}
