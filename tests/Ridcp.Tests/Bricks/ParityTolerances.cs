namespace Ridcp.Tests.Bricks;

/// <summary>Max-abs-difference tolerances of the brick parity cases, from Fixtures/parity/README.md section 7
/// ("swin output (|x| &lt; 6): 5e-5; dcn / warp outputs (|x| &lt; 1): 1e-5"), which sets them 15-25x above the
/// float32-vs-float64 noise of the reference run.</summary>
internal static class ParityTolerances
{
    /// <summary>README section 7: swin output (|x| &lt; 6).</summary>
    public const double SwinOutput = 5e-5;

    /// <summary>README section 7: dcn / warp outputs (|x| &lt; 1).</summary>
    public const double DeformOutput = 1e-5;
}
