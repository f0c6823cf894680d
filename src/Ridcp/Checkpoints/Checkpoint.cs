using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>A checkpoint file read into the object model (see <see cref="CheckpointDict"/>): its root object, where it
/// came from and which format it had. Owns the tensors it created; <see cref="Dispose"/> frees them (a tensor kept
/// beyond that must be cloned). Tensors are CPU tensors whatever device the file names.</summary>
public sealed class Checkpoint : IDisposable
{
    public object? Root { get; }
    public string SourcePath { get; }
    public CheckpointFileFormat Format { get; }

    /// <summary>Every tensor of the file, in pickle order.</summary>
    public IReadOnlyList<Tensor> Tensors { get; }

    internal Checkpoint(object? root, string sourcePath, CheckpointFileFormat format, IReadOnlyList<Tensor> tensors) =>
        (Root, SourcePath, Format, Tensors) = (root, sourcePath, format, tensors);

    /// <summary>The root as a dict; throws a <see cref="CheckpointFormatException"/> naming the file otherwise.</summary>
    public CheckpointDict RootDict => Root as CheckpointDict
        ?? throw new CheckpointFormatException($"checkpoint '{SourcePath}' holds {CheckpointDict.PythonTypeName(Root)}, not a dict");

    /// <summary>The root as a tensor (a file written by torch.save(tensor)); throws otherwise.</summary>
    public Tensor RootTensor => Root as Tensor
        ?? throw new CheckpointFormatException($"checkpoint '{SourcePath}' holds {CheckpointDict.PythonTypeName(Root)}, not a bare tensor");

    public void Dispose()
    {
        foreach (var t in Tensors) t.Dispose();
    }
}
