using Ridcp.Core;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>
/// Reads files written by PyTorch's <c>torch.save</c> — zip format and legacy format — without running any Python:
/// the pickle may only name the globals a state dict needs (as torch.load(weights_only=True)); any other global is
/// refused by name, and every declared tensor size is checked against the file before anything is allocated.
/// <list type="bullet">
/// <item><see cref="Load"/>(path) → <see cref="Checkpoint"/>: the whole object (dicts as <see cref="CheckpointDict"/>,
/// lists, numbers, strings, tensors), e.g. metadata next to the weights:
/// <c>ck.RootDict.GetDict("ridcp_arch").GetInt64("embed_dim")</c>.</item>
/// <item><see cref="ReadStateDict"/>(path, preferEma) → <see cref="StateDict"/>: the weights at top level or under
/// <c>params</c> / <c>params_ema</c>, <c>module.</c> prefix stripped; <see cref="StateDictOf"/> does the same for a
/// checkpoint already loaded.</item>
/// <item><see cref="ReadTensor"/>(path) → a bare tensor (e.g. the CHM weight file, float32 [1024]).</item>
/// </list>
/// Load the result into a module with <see cref="StateDictLoader.Load"/>; write files with <see cref="CheckpointWriter"/>.
/// Errors: <see cref="FileNotFoundException"/>, <see cref="CheckpointFormatException"/> (message names the file).
/// All tensors are created on the CPU; with a dispose scope active they also belong to it.
/// </summary>
public static class TorchCheckpoint
{
    const string ModulePrefix = "module.";

    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        // Checked before opening: opening a named pipe blocks until someone writes to it.
        if (!RegularFile.HasData(path))
            throw new CheckpointFormatException($"checkpoint '{path}' is empty or not a regular file (a pipe or a device)");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> head = stackalloc byte[4];
        int n = file.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        file.Position = 0;
        if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return ZipCheckpointReader.Read(file, path);
        if (n >= 2 && head[0] == 0x80) return LegacyCheckpointReader.Read(file, path);
        if (IsTar(file)) throw new CheckpointFormatException($"checkpoint '{path}' uses the tar format of torch < 0.4, which is not supported");
        throw new CheckpointFormatException($"checkpoint '{path}' is not a PyTorch checkpoint (neither zip nor pickle)");
    }

    /// <summary>The state dict of the file: under <c>params_ema</c> when <paramref name="preferEma"/> and present, else
    /// under <c>params</c>, else the top-level dict (see <see cref="StateDictOf"/>). Other tensors of the file are freed.</summary>
    public static StateDict ReadStateDict(string path, bool preferEma = false)
    {
        var ck = Load(path);
        try
        {
            var sd = StateDictOf(ck, preferEma);
            var kept = new HashSet<Tensor>(sd.Values, ReferenceEqualityComparer.Instance);
            foreach (var t in ck.Tensors) if (!kept.Contains(t)) t.Dispose();
            return sd;
        }
        catch
        {
            ck.Dispose();
            throw;
        }
    }

    /// <summary>The bare tensor a file holds (torch.save(tensor)); throws when the file holds anything else.</summary>
    public static Tensor ReadTensor(string path)
    {
        var ck = Load(path);
        if (ck.Root is Tensor t) return t;
        ck.Dispose();
        throw new CheckpointFormatException($"checkpoint '{path}' holds {CheckpointDict.PythonTypeName(ck.Root)}, not a bare tensor");
    }

    /// <summary>Picks the state dict of a loaded checkpoint. Order: <c>params_ema</c> if <paramref name="preferEma"/>
    /// (falling back to <c>params</c> with a note), else <c>params</c> (falling back to <c>params_ema</c> with a note),
    /// else the root dict itself. Every value must be a tensor. A leading <c>module.</c> (DataParallel) is removed
    /// from each key that has it. The returned tensors belong to <paramref name="checkpoint"/>.</summary>
    public static StateDict StateDictOf(Checkpoint checkpoint, bool preferEma = false)
    {
        var root = checkpoint.RootDict;
        var notes = new List<string>();
        string section;
        if (preferEma && root.ContainsKey("params_ema")) section = "params_ema";
        else if (root.ContainsKey("params"))
        {
            section = "params";
            if (preferEma) notes.Add("no params_ema in the checkpoint; using params");
        }
        else if (root.ContainsKey("params_ema"))
        {
            section = "params_ema";
            if (!preferEma) notes.Add("no params in the checkpoint; using params_ema");
        }
        else section = "";

        var dict = section == "" ? root : root[section] as CheckpointDict
            ?? throw new CheckpointFormatException($"checkpoint '{checkpoint.SourcePath}': '{section}' is {CheckpointDict.PythonTypeName(root[section])}, not a dict of tensors");
        string where = section == "" ? "at its top level" : $"under '{section}'";

        var items = new List<KeyValuePair<string, Tensor>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int stripped = 0;
        foreach (var (key, value) in dict)
        {
            if (value is not Tensor t)
                throw new CheckpointFormatException(
                    $"checkpoint '{checkpoint.SourcePath}' holds no state dict {where}: entry '{key}' is {CheckpointDict.PythonTypeName(value)}, not a tensor");
            string name = key;
            if (name.StartsWith(ModulePrefix, StringComparison.Ordinal)) { name = name[ModulePrefix.Length..]; stripped++; }
            if (!seen.Add(name))
                throw new CheckpointFormatException($"checkpoint '{checkpoint.SourcePath}' has key '{name}' twice (with and without 'module.')");
            items.Add(new(name, t));
        }
        if (stripped > 0) notes.Add($"removed the 'module.' prefix from {stripped} keys");
        return new StateDict(items, section, notes);
    }

    static bool IsTar(FileStream file)
    {
        Span<byte> magic = stackalloc byte[5];
        if (file.Length < 262) return false;
        file.Position = 257;
        file.ReadExactly(magic);
        return magic.SequenceEqual("ustar"u8);
    }
}
