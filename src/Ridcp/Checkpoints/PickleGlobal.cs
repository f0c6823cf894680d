namespace Ridcp.Checkpoints;

/// <summary>A Python global the pickle named and the allow-list accepted, e.g. <c>torch._utils._rebuild_tensor_v2</c>.</summary>
internal sealed record PickleGlobal(string FullName);
