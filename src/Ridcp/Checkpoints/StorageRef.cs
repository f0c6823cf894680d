namespace Ridcp.Checkpoints;

/// <summary>A storage the pickle refers to through a persistent id: its key (the zip entry <c>data/&lt;key&gt;</c>, or
/// the legacy storage id), element type and element count. Legacy files may hand out a view of a storage
/// (<see cref="ViewOffset"/>, <see cref="ViewSize"/> in elements).</summary>
internal sealed record StorageRef(string Key, TorchStorageType Type, long Numel, string Location, long ViewOffset, long ViewSize);
