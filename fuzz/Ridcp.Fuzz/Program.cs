using Ridcp.Checkpoints;
using Ridcp.Core;
using Ridcp.Imaging;
using Ridcp.Training.Config;
using SharpFuzz;
using static TorchSharp.torch;

namespace Ridcp.Fuzz;

/// <summary>AFL++ targets (driven by fuzz/run.sh through SharpFuzz): the hand-written parsers that read untrusted
/// files. A target may refuse its input with the documented exception of that parser; anything else — another
/// exception, a hang (AFL's timeout), or more memory than <see cref="AllocationBudget"/> for one input — is a finding.</summary>
public static class Program
{
    /// <summary>Managed bytes one input may allocate (issue 15: every refusal within 1 GiB).</summary>
    const long AllocationBudget = 1L << 30;

    public static int Main(string[] args)
    {
        if (args.Length < 1) { Console.Error.WriteLine("usage: Ridcp.Fuzz checkpoint|png|npy|yaml [FILE]"); return 2; }
        Action<byte[]> target = args[0] switch
        {
            "checkpoint" => Checkpoint,
            "png" => Png,
            "npy" => Npy,
            "yaml" => Yaml,
            _ => throw new ArgumentException($"unknown target {args[0]}"),
        };
        if (args.Length > 1) return Replay(target, args[1]);
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            Guarded(target, ms.ToArray());
        });
        return 0;
    }

    /// <summary>Replays one file, or every file of a folder (a findings folder after a fix): prints each input that
    /// still fails and the count; exit code 1 if any does.</summary>
    static int Replay(Action<byte[]> target, string path)
    {
        string[] files = Directory.Exists(path)
            ? Directory.GetFiles(path).Where(f => Path.GetFileName(f) != "README.txt").Order().ToArray()
            : [path];
        int failed = 0;
        foreach (string file in files)
        {
            try { Guarded(target, File.ReadAllBytes(file)); }
            catch (Exception e) { failed++; Console.WriteLine($"{Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}"); }
        }
        Console.WriteLine($"replayed {files.Length} input(s): {files.Length - failed} handled, {failed} failing");
        return failed == 0 ? 0 : 1;
    }

    static void Guarded(Action<byte[]> target, byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        target(input);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;
        if (used > AllocationBudget) throw new InsufficientExecutionStackException($"one input allocated {used} managed bytes");
    }

    static readonly string Scratch = Path.Combine(Path.GetTempPath(), $"ridcp-fuzz-{Environment.ProcessId}.bin");

    static void Checkpoint(byte[] input)
    {
        File.WriteAllBytes(Scratch, input);
        using var scope = NewDisposeScope();
        try
        {
            using var ck = TorchCheckpoint.Load(Scratch);
            long bytes = ck.Tensors.Sum(t => t.numel() * t.element_size());
            // Storages may share bytes between views, but never exceed the file-derived bound of the reader.
            if (ck.Tensors.Count > 0 && bytes > 64L * input.Length + (1 << 20) && ck.Tensors.All(t => t.is_contiguous()))
                throw new InsufficientExecutionStackException($"{bytes} tensor bytes from a {input.Length}-byte file");
        }
        catch (CheckpointFormatException) { }
    }

    static void Png(byte[] input)
    {
        try { PngDecoder.Decode(input, "fuzz.png", ImageFile.MaxPixels); }
        catch (InvalidDataException) { }
    }

    static void Npy(byte[] input)
    {
        try { Ridcp.Core.Npy.Read(new MemoryStream(input), "fuzz.npy"); }
        catch (InvalidDataException) { }
    }

    static void Yaml(byte[] input)
    {
        string text = System.Text.Encoding.UTF8.GetString(input);
        try { TrainOptionsLoader.FromTree(YamlTree.Parse(text, "fuzz.yml"), TrainStage.Vqgan, "/", null, "fuzz.yml"); }
        catch (FormatException) { }
    }
}
