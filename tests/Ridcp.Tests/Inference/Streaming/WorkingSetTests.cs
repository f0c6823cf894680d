using Ridcp.Inference.Streaming;
using Ridcp.Models;
using Xunit;

namespace Ridcp.Tests.Inference.Streaming;

/// <summary>The planner's per-pixel estimate against the whole-image peaks measured with `ridcp bench dehaze`
/// (VmHWM minus the resident size before the run, per padded pixel; docs/benchmarks.md, "Bounded working set of the
/// warp blocks"): it must cover them, or a budget that the planner accepts is overshot, and it must not be so loose
/// that images which fit run in stripes.</summary>
public class WorkingSetTests
{
    /// <summary>Largest measured peak of the bundled model, fp32, 0.27 to 2.1 MP: 1.73 kB per pixel (864x576).</summary>
    const double BundledMeasuredBytesPerPixel = 1730;

    /// <summary>Official configuration (seeded weights), fp32, 640x438: 3.77 kB per pixel.</summary>
    const double OfficialMeasuredBytesPerPixel = 3770;

    /// <summary>How far above the measured peak the estimate may lie: the peaks vary by ~15% from run to run (the
    /// kept heap's fragmentation), and more than 1.6x would tile images that fit.</summary>
    const double MaxOverestimate = 1.6;

    [Fact]
    public void The_bundled_model_estimate_covers_its_measured_peak_without_being_loose()
    {
        double estimate = WorkingSet.BytesPerPixel(StripePlannerTests.Bundled);
        Assert.InRange(estimate, BundledMeasuredBytesPerPixel, MaxOverestimate * BundledMeasuredBytesPerPixel);
    }

    [Fact]
    public void The_official_configuration_estimate_covers_its_measured_peak_without_being_loose()
    {
        double estimate = WorkingSet.BytesPerPixel(VQWeightDehazeNetOptions.OfficialLq);
        Assert.InRange(estimate, OfficialMeasuredBytesPerPixel, MaxOverestimate * OfficialMeasuredBytesPerPixel);
    }

    [Fact]
    public void The_codebook_size_does_not_grow_the_estimate_since_matching_runs_in_chunks()
    {
        var larger = StripePlannerTests.Bundled with { CodebookParams = [new(64, 1024, 64)] };
        Assert.Equal(WorkingSet.BytesPerPixel(StripePlannerTests.Bundled), WorkingSet.BytesPerPixel(larger));
    }
}
