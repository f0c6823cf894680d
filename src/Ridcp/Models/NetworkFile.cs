using Ridcp.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>The one place where a RIDCP network file is read, written, built and loaded (dehazing, CHM and training
/// all come through here). A generator file is <c>{"params": state_dict, "ridcp_arch": {...}}</c> with the
/// architecture options of <see cref="VQWeightDehazeNetOptions.ToDictionary"/>; official files have the state dict
/// (under 'params' or at top level) and no options, so the caller picks the official configuration.
/// Every failure to read a file becomes an exception naming it (not found, or invalid data); a tensor that is not
/// finite is refused, naming it.</summary>
public sealed class NetworkFile : IDisposable
{
    /// <summary>Checkpoint entry holding our architecture options.</summary>
    public const string ArchKey = "ridcp_arch";

    /// <summary>State-dict key of the CHM weight, which the official code reads from a separate file.</summary>
    public const string ChmWeightKey = "quantize_group.0.weight";

    readonly Checkpoint file;
    public string SourcePath { get; }
    public StateDict StateDict { get; }
    /// <summary>Null for the official layout (no options stored): the caller uses the official configuration.</summary>
    public VQWeightDehazeNetOptions? Architecture { get; }
    public bool HasChmWeight => StateDict.ContainsKey(ChmWeightKey);

    NetworkFile(Checkpoint file, string path, StateDict stateDict, VQWeightDehazeNetOptions? architecture)
    {
        this.file = file; SourcePath = path; StateDict = stateDict; Architecture = architecture;
    }

    public static NetworkFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        var file = Guard(path, () => TorchCheckpoint.Load(path));
        try
        {
            var sd = TorchCheckpoint.StateDictOf(file);
            var arch = ReadArchitecture(file, sd, path);
            StateDictLoader.RequireFinite(sd, $"checkpoint '{path}'");
            return new NetworkFile(file, path, sd, arch);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The stored options, validated and checked against the weights' shapes, so that options that do not
    /// describe these weights (or absurd sizes) are refused before any network is built.</summary>
    static VQWeightDehazeNetOptions? ReadArchitecture(Checkpoint file, StateDict sd, string path)
    {
        if (!file.RootDict.TryGetValue(ArchKey, out var raw) || raw is null) return null;
        if (raw is not CheckpointDict d)
            throw new InvalidDataException($"checkpoint {path}: '{ArchKey}' is {CheckpointDict.PythonTypeName(raw)}, not a dict");
        try
        {
            var arch = VQWeightDehazeNetOptions.FromDictionary(d);
            arch.Validate();
            arch.CheckAgainst(sd.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
            return arch;
        }
        catch (ArgumentException e) { throw new InvalidDataException($"checkpoint {path}: invalid architecture options: {e.Message}", e); }
    }

    /// <summary>Builds the network <paramref name="architecture"/> describes and loads this file into it (strict
    /// unless told otherwise); <paramref name="extra"/> adds state entries that live in other files (the official
    /// CHM weight). The net is disposed if loading fails.</summary>
    public (VQWeightDehazeNet Net, LoadReport Report) Build(VQWeightDehazeNetOptions architecture, bool strict = true,
        IReadOnlyDictionary<string, Tensor>? extra = null)
    {
        var net = new VQWeightDehazeNet(architecture);
        try { return (net, LoadInto(net, strict, extra)); }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>Loads this file's state dict (plus <paramref name="extra"/>, a view: the tensors stay owned by their
    /// files) into an existing module: generator, discriminator, or a net built for a resume.</summary>
    public LoadReport LoadInto(nn.Module net, bool strict, IReadOnlyDictionary<string, Tensor>? extra = null)
    {
        IReadOnlyDictionary<string, Tensor> sd = StateDict;
        if (extra is { Count: > 0 })
        {
            var merged = new Dictionary<string, Tensor>(StateDict);
            foreach (var (k, v) in extra) merged[k] = v;
            sd = merged;
        }
        return StateDictLoader.Load(net, sd, strict);
    }

    /// <summary>Reads <paramref name="path"/> and loads it into <paramref name="net"/> (resume, discriminator files).</summary>
    public static LoadReport Load(string path, nn.Module net, bool strict)
    {
        using var f = Read(path);
        return f.LoadInto(net, strict);
    }

    /// <summary>Writes a generator file: params and the architecture options, so that every command can rebuild it.</summary>
    public static void Write(string path, VQWeightDehazeNet net)
    {
        var root = new CheckpointDict();
        root.Add("params", StateDictOf(net));
        root.Add(ArchKey, ArchitectureEntry(net.Options));
        CheckpointWriter.Write(path, root);
    }

    /// <summary>The architecture options as a pickle dict (int lists as Python ints).</summary>
    public static CheckpointDict ArchitectureEntry(VQWeightDehazeNetOptions options)
    {
        var arch = new CheckpointDict();
        foreach (var (k, v) in options.ToDictionary()) arch.Add(k, v is int[] a ? a.Select(x => (object?)(long)x).ToList() : v);
        return arch;
    }

    /// <summary>A module's state dict as an ordered pickle dict (the 'params' entry).</summary>
    public static CheckpointDict StateDictOf(nn.Module net)
    {
        var sd = new CheckpointDict(isOrderedDict: true);
        foreach (var (k, v) in net.state_dict()) sd.Add(k, v);
        return sd;
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
