using Ridcp.Inference;
using Ridcp.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference;

public class PrecisionSupportTests
{
    [Fact]
    public void Bf16_is_refused_with_one_clear_message_on_a_cpu_without_bf16_flags()
    {
        var flagsOfAnOlderCpu = new HashSet<string> { "sse4_2", "avx2", "avx512f", "fma" };
        var e = Assert.Throws<ArgumentException>(() => PrecisionSupport.Check(Precision.Bf16, CPU, flagsOfAnOlderCpu));
        Assert.Contains("avx512_bf16", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Bf16_is_accepted_with_either_avx512_bf16_or_amx()
    {
        PrecisionSupport.Check(Precision.Bf16, CPU, new HashSet<string> { "avx512_bf16" });
        PrecisionSupport.Check(Precision.Bf16, CPU, new HashSet<string> { "amx_bf16" });
        PrecisionSupport.Check(Precision.Fp32, CPU, new HashSet<string>());
    }

    [Fact]
    public void Precision_names_parse_and_an_unknown_one_is_a_usage_error()
    {
        Assert.Equal(Precision.Bf16, PrecisionSupport.Parse("BF16"));
        Assert.Equal(Precision.Fp32, PrecisionSupport.Parse("float32"));
        Assert.Throws<ArgumentException>(() => PrecisionSupport.Parse("fp8"));
    }

    [Fact]
    public void The_dehaze_command_rejects_an_unknown_precision_with_one_line_and_the_usage_exit_code()
    {
        string dir = Directory.CreateTempSubdirectory("ridcp-precision-").FullName;
        try
        {
            var r = CliRun.Invoke("dehaze", Fixture.File("images", "enlightenment_foggy-trees.jpg"), "-o", Path.Combine(dir, "out.png"), "--precision", "fp8");
            Assert.Equal(Ridcp.Cli.ExitCodes.Usage, r.ExitCode);
            Assert.Single(r.ErrLines);
            Assert.Contains("unknown precision 'fp8'", r.Err);
            Assert.False(File.Exists(Path.Combine(dir, "out.png")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
