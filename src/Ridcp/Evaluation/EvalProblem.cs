namespace Ridcp.Evaluation;

/// <summary>Something that went wrong with one file; the evaluation goes on with the others.</summary>
/// <param name="Kind">unreadable, missing-reference, missing-input, metric-error.</param>
public sealed record EvalProblem(string File, string Kind, string Message);
