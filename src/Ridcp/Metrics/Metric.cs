using Ridcp.Imaging;

namespace Ridcp.Metrics;

/// <summary>A metric chosen by name (as on a command line), with what it needs and how it ranks.</summary>
/// <param name="Column">The name as the user wrote it; used as the report column.</param>
public sealed record Metric(string Column, MetricKind Kind)
{
    public bool NeedsReference => Kind is MetricKind.Psnr or MetricKind.PsnrY or MetricKind.Ssim or MetricKind.SsimY or MetricKind.Ciede2000;
    /// <summary>PSNR and SSIM rise with quality; colour difference and the no-reference scores fall.</summary>
    public bool HigherIsBetter => Kind is MetricKind.Psnr or MetricKind.PsnrY or MetricKind.Ssim or MetricKind.SsimY;

    /// <summary>The names accepted by <see cref="Parse"/>.</summary>
    public static readonly IReadOnlyList<string> Names = ["psnr", "psnr_y", "ssim", "ssim_y", "ciede2000", "fade", "niqe", "niqe_y", "brisque"];

    public static Metric Parse(string name)
    {
        var n = name.Trim();
        var kind = n.ToLowerInvariant().Replace('-', '_') switch
        {
            "psnr" => MetricKind.Psnr,
            "psnr_y" => MetricKind.PsnrY,
            "ssim" => MetricKind.Ssim,
            "ssim_y" => MetricKind.SsimY,
            "ciede2000" => MetricKind.Ciede2000,
            "fade" => MetricKind.Fade,
            "niqe" => MetricKind.Niqe,
            "niqe_y" => MetricKind.NiqeY,
            "brisque" => MetricKind.Brisque,
            _ => throw new ArgumentException($"unknown metric '{n}' (known: {string.Join(", ", Names)})"),
        };
        return new Metric(n, kind);
    }

    /// <summary>Parses a comma-separated list ("psnr,ssim,fade"); duplicates are an error.</summary>
    public static IReadOnlyList<Metric> ParseList(string csv)
    {
        var list = csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();
        if (list.Count == 0) throw new ArgumentException("no metric given");
        var dup = list.GroupBy(m => m.Kind).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"metric '{dup.First().Column}' given twice");
        return list;
    }

    /// <summary>Computes the metric; <paramref name="reference"/> is required exactly when <see cref="NeedsReference"/>.</summary>
    public double Compute(RgbImage image, RgbImage? reference = null)
    {
        if (NeedsReference && reference is null) throw new ArgumentException($"{Column} needs a reference image");
        return Kind switch
        {
            MetricKind.Psnr => FullReference.Psnr(image, reference!),
            MetricKind.PsnrY => FullReference.Psnr(image, reference!, yChannel: true),
            MetricKind.Ssim => FullReference.Ssim(image, reference!),
            MetricKind.SsimY => FullReference.Ssim(image, reference!, yChannel: true),
            MetricKind.Ciede2000 => Ciede2000.MeanDeltaE(image, reference!),
            MetricKind.Fade => Fade.Compute(image),
            MetricKind.Niqe => Niqe.Compute(image),
            MetricKind.NiqeY => Niqe.Compute(image, NiqeGray.BasicSrY),
            MetricKind.Brisque => Brisque.Compute(image),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
        };
    }
}
