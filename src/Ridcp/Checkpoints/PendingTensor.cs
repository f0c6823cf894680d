namespace Ridcp.Checkpoints;

/// <summary>A tensor as the pickle describes it (<c>_rebuild_tensor_v2(storage, offset, size, stride, ...)</c>), before
/// its storage bytes are read. Replaced by a real tensor once every size has been checked against the file.</summary>
internal sealed record PendingTensor(StorageRef Storage, long Offset, long[] Size, long[] Stride);
