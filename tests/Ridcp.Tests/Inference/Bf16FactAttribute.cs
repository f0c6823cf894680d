using Ridcp.Inference;
using Xunit;

namespace Ridcp.Tests.Inference;

/// <summary>A fact that runs only where the CPU has native bf16 (AVX512_BF16 or AMX); elsewhere it is reported as
/// skipped with the reason (the product refuses --precision bf16 there, which PrecisionSupportTests covers).</summary>
public sealed class Bf16FactAttribute : FactAttribute
{
    public Bf16FactAttribute()
    {
        if (!PrecisionSupport.CpuHasBf16())
            Skip = $"this CPU has none of {string.Join(", ", PrecisionSupport.Bf16CpuFlags)}: bf16 is refused here";
    }
}
