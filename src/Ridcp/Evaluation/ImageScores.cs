namespace Ridcp.Evaluation;

/// <summary>One evaluated image: its scores per metric column (NaN where a metric could not be computed) and, when an
/// input folder was given, the input's scores; thumbnails (JPEG data URIs) only when an HTML report is wanted.</summary>
public sealed record ImageScores(
    string File,
    IReadOnlyDictionary<string, double> Prediction,
    IReadOnlyDictionary<string, double>? Input,
    string? ReferenceFile,
    string? InputFile)
{
    public string? PredictionThumbnail { get; init; }
    public string? InputThumbnail { get; init; }
    public string? ReferenceThumbnail { get; init; }
}
