using TorchSharp;

namespace Ridcp.Inference;

/// <summary>Parses `--precision` and refuses bf16 where the hardware lacks it: on the CPU, LibTorch has bf16
/// kernels everywhere but without AVX512_BF16 or AMX they emulate it and run slower than float32, so asking for
/// bf16 there is a mistake worth one clear line. CUDA devices are left to LibTorch (bf16 from compute capability
/// 8.0; older cards fail in the first kernel).</summary>
public static class PrecisionSupport
{
    /// <summary>CPU feature flags (Linux /proc/cpuinfo) that give native bf16 matrix arithmetic.</summary>
    public static readonly string[] Bf16CpuFlags = ["avx512_bf16", "amx_bf16"];

    public static Precision Parse(string? name) => (name ?? "fp32").Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        _ => throw new ArgumentException($"unknown precision '{name}' (use fp32 or bf16)"),
    };

    /// <summary>Throws <see cref="ArgumentException"/> (a usage error: the option cannot be honoured here) when <paramref name="precision"/> cannot run natively on
    /// <paramref name="device"/>. <paramref name="cpuFlags"/>: the CPU's flags (default: read from /proc/cpuinfo;
    /// tests pass their own).</summary>
    public static void Check(Precision precision, torch.Device device, IReadOnlySet<string>? cpuFlags = null)
    {
        if (precision != Precision.Bf16 || device.type != DeviceType.CPU) return;
        cpuFlags ??= CpuFlags();
        if (!Bf16CpuFlags.Any(cpuFlags.Contains))
            throw new ArgumentException(
                $"--precision bf16 needs a CPU with {string.Join(" or ", Bf16CpuFlags)} (this one has neither; without them bf16 is emulated and slower than fp32) or a CUDA device; use --precision fp32");
    }

    /// <summary>True where bf16 runs natively on the CPU (tests skip their bf16 checks elsewhere).</summary>
    public static bool CpuHasBf16() => Bf16CpuFlags.Any(CpuFlags().Contains);

    /// <summary>The flags of the first processor in /proc/cpuinfo; empty where that file does not exist.</summary>
    public static IReadOnlySet<string> CpuFlags()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return new HashSet<string>();
        foreach (var line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == "flags")
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        return new HashSet<string>();
    }
}
