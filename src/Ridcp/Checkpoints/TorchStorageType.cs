using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>The PyTorch storage classes a state dict uses (the pickle names them, e.g. <c>torch.FloatStorage</c>), with
/// their TorchSharp dtype and element size in bytes.</summary>
internal sealed record TorchStorageType(string Name, ScalarType Dtype, int ElementSize)
{
    static readonly TorchStorageType[] All =
    [
        new("FloatStorage", ScalarType.Float32, 4),
        new("DoubleStorage", ScalarType.Float64, 8),
        new("HalfStorage", ScalarType.Float16, 2),
        new("BFloat16Storage", ScalarType.BFloat16, 2),
        new("LongStorage", ScalarType.Int64, 8),
        new("IntStorage", ScalarType.Int32, 4),
        new("ShortStorage", ScalarType.Int16, 2),
        new("CharStorage", ScalarType.Int8, 1),
        new("ByteStorage", ScalarType.Byte, 1),
        new("BoolStorage", ScalarType.Bool, 1),
        // torch >= 2 names untyped storages (bytes) this way; a typed view of them is not used by state dicts.
        new("UntypedStorage", ScalarType.Byte, 1),
    ];

    public static TorchStorageType? ByName(string name) => All.FirstOrDefault(t => t.Name == name);

    public static TorchStorageType ForDtype(ScalarType dtype) =>
        All.FirstOrDefault(t => t.Dtype == dtype && t.Name != "UntypedStorage")
        ?? throw new NotSupportedException($"tensors of dtype {dtype} cannot be written to a checkpoint");
}
