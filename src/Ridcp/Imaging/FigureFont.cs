using SkiaSharp;

namespace Ridcp.Imaging;

/// <summary>A TrueType font for the text of plots and contact sheets. SkiaSharp's Linux native asset has no
/// fontconfig, so its default typeface draws nothing: a font file is looked up explicitly ($RIDCP_FONT, then the
/// usual sans fonts of Debian/Ubuntu, Fedora, Arch, Windows and macOS). Without one, figures carry no text.</summary>
public static class FigureFont
{
    public const string Name = "RidcpSans";

    static readonly Lazy<string?> file = new(Find);
    static readonly Lazy<bool> registered = new(() =>
    {
        if (file.Value is null) return false;
        ScottPlot.Fonts.AddFontFile(Name, file.Value, bold: false, italic: false);
        return true;
    });

    /// <summary>The font file used, or null when none was found.</summary>
    public static string? File => file.Value;

    /// <summary>Makes a plot draw its text with the font (no-op without one).</summary>
    public static void Apply(ScottPlot.Plot plot)
    {
        if (registered.Value) plot.Font.Set(Name);
    }

    /// <summary>The font as a Skia typeface (the default one, which may draw nothing, when none was found).
    /// Shared for the process: do not dispose.</summary>
    public static SKTypeface Typeface => typeface.Value;

    static readonly Lazy<SKTypeface> typeface = new(() => file.Value is string f ? SKTypeface.FromFile(f) ?? SKTypeface.Default : SKTypeface.Default);

    static string? Find()
    {
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("RIDCP_FONT"),
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
            "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/noto/NotoSans-Regular.ttf",
            @"C:\Windows\Fonts\arial.ttf",
            "/System/Library/Fonts/Supplemental/Arial.ttf",
            "/Library/Fonts/Arial.ttf",
        };
        foreach (var c in candidates)
            if (!string.IsNullOrEmpty(c) && System.IO.File.Exists(c)) return c;
        try
        {
            if (Directory.Exists("/usr/share/fonts"))
                return Directory.EnumerateFiles("/usr/share/fonts", "*Sans*Regular*.ttf", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
