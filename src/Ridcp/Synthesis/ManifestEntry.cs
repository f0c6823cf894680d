using System.Text.Json;

namespace Ridcp.Synthesis;

/// <summary>One line of manifest.jsonl: the files of a sample and its drawn parameters (null for a stage that was not
/// applied). Paths are relative to the output folder (file, transmission) and the input folders (clear, depth).</summary>
public sealed record ManifestEntry(
    string File, string Clear, string Depth, long Seed, long SampleIndex, HazeParameters Parameters, string? Transmission)
{
    public void WriteTo(Utf8JsonWriter w)
    {
        var p = Parameters;
        w.WriteStartObject();
        w.WriteString("file", File);
        w.WriteString("clear", Clear);
        w.WriteString("depth", Depth);
        w.WriteNumber("seed", Seed);
        w.WriteNumber("sample_index", SampleIndex);
        w.WriteNumber("beta", p.Beta);
        w.WriteStartArray("airlight");
        foreach (var a in p.Airlight) w.WriteNumberValue(a);
        w.WriteEndArray();
        if (p.Gamma is { } g) w.WriteNumber("gamma", g); else w.WriteNull("gamma");
        if (p.NoiseMode is { } m) w.WriteString("noise_mode", m switch { NoiseMode.Color => "color", NoiseMode.Gray => "gray", _ => "correlated" });
        else w.WriteNull("noise_mode");
        if (p.NoiseLevel is { } l) w.WriteNumber("noise_level", l); else w.WriteNull("noise_level");
        if (p.JpegQuality is { } q) w.WriteNumber("jpeg_quality", q); else w.WriteNull("jpeg_quality");
        if (Transmission is not null) w.WriteString("transmission", Transmission);
        w.WriteEndObject();
    }
}
