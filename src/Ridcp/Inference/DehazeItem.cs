namespace Ridcp.Inference;

/// <summary>One image to dehaze: where it is read from and where the result goes.</summary>
public sealed record DehazeItem(string Input, string Output);
