namespace Ridcp.Models;

/// <summary>One row of the official <c>codebook_params</c>: the latent resolution (relative to
/// <c>gt_resolution</c>) where the codebook sits, the number of codes and their dimension.
/// The official configuration is [64, 1024, 512].</summary>
public readonly record struct CodebookSpec(int Scale, int Size, int Dim);
