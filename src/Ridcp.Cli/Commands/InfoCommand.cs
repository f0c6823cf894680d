using System.CommandLine;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Ridcp.Core;
using Ridcp.Imaging;
using Ridcp.Inference;
using TorchSharp;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp info`: versions, the machine's CPU features that matter to libtorch's kernels, how the native torch
/// library was loaded and where the bundled model is. What a bug report should include.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var verbose = CommonOptions.Verbose();
        var cmd = new Command("info", "Show versions, CPU features and where the native library and bundled model are") { verbose };
        cmd.SetAction(parse => CliErrors.Run(parse, parse.GetValue(verbose), () =>
        {
            var o = parse.InvocationConfiguration.Output;
            TorchNative.EnsureLoaded();
            using var t = torch.ones(2);
            o.WriteLine($"Ridcp.NET: {Versions.Informational(typeof(Dehazer).Assembly)}");
            o.WriteLine($"TorchSharp: {Versions.Informational(typeof(torch).Assembly)}");
            o.WriteLine($"LibTorch: {torch.__version__}");
            o.WriteLine($"image codecs: {ImageFile.CodecVersion}");
            o.WriteLine($".NET: {RuntimeInformation.FrameworkDescription}");
            o.WriteLine($"OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} cores)");
            o.WriteLine($"CPU features: {string.Join(' ', CpuFeatures())}");
            o.WriteLine($"TorchSharp native: {TorchNative.Status}");
            o.WriteLine($"CUDA available: {torch.cuda.is_available()}");
            o.WriteLine($"threads: {torch.get_num_threads()}");
            o.WriteLine(Jemalloc.Version() is string jemalloc
                ? $"memory allocator: jemalloc {jemalloc}, {Jemalloc.AllocatedBytes() / 1024} KiB allocated, {Jemalloc.ResidentBytes() / 1024} KiB resident ({AllocatorLauncher.Variable}=system for glibc's)"
                : "memory allocator: glibc malloc (install libjemalloc2 for less memory and time: docs/benchmarks.md)");
            string model;
            try { model = Path.GetDirectoryName(BundledModel.Resolve())!; }
            catch (FileNotFoundException) { model = "not found (pass --weights)"; }
            o.WriteLine($"bundled model: {model}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>The x86 vector extensions as .NET sees them, plus those .NET has no API for (AVX512_BF16, AMX) from
    /// /proc/cpuinfo on Linux: libtorch's bf16 matrix kernels need AVX512_BF16 or AMX to be fast.</summary>
    static IEnumerable<string> CpuFeatures()
    {
        var features = new List<string>();
        void Add(bool on, string name) { if (on) features.Add(name); }
        Add(Sse42.IsSupported, "SSE4.2");
        Add(Avx.IsSupported, "AVX");
        Add(Avx2.IsSupported, "AVX2");
        Add(Fma.IsSupported, "FMA");
        Add(Avx512F.IsSupported, "AVX512F");
        Add(Avx512BW.IsSupported, "AVX512BW");
        Add(Avx512Vbmi.IsSupported, "AVX512VBMI");
        Add(AvxVnni.IsSupported, "AVX-VNNI");
        var flags = CpuInfoFlags();
        Add(flags.Contains("avx512_vnni"), "AVX512_VNNI");
        Add(flags.Contains("avx512_bf16"), "AVX512_BF16");
        Add(flags.Contains("amx_bf16"), "AMX_BF16");
        if (!OperatingSystem.IsLinux()) features.Add("(AVX512_BF16/AMX: not checked on this OS)");
        else if (!flags.Contains("avx512_bf16")) features.Add("(no AVX512_BF16)");
        return features.Count == 0 ? ["none of the x86 extensions (not an x86 CPU?)"] : features;
    }

    static HashSet<string> CpuInfoFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? [] : [.. line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
