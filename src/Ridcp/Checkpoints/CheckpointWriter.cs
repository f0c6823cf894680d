using System.Text;
using Ridcp.Core;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>Writes checkpoints in PyTorch's zip format, so torch.load (weights_only=True included) opens them:
/// <c>archive/data.pkl</c> (pickle protocol 2), <c>archive/byteorder</c> ("little"), <c>archive/data/&lt;key&gt;</c>
/// (raw little-endian, C-contiguous storage bytes), <c>archive/version</c> ("3"). Writes atomically: the file appears
/// complete or not at all. Tensors are written as CPU tensors; tensors sharing memory are written separately.
/// Checked by hand with Debian's torch 1.13: state dicts, bare tensors and nested dicts/lists of str/int/bool/None
/// open with weights_only=True; a Python float or bytes value needs weights_only=False on 1.13 (its restricted
/// unpickler lacks the BINFLOAT opcode and _codecs.encode — the same holds for files torch itself writes).</summary>
public static class CheckpointWriter
{
    const string Folder = "archive/";

    /// <summary>Writes any object of the checkpoint model: a <see cref="CheckpointDict"/> or dictionary with string
    /// keys (e.g. <c>{"params": stateDict, "ridcp_arch": {...}, "iter": 1000}</c>), lists, string, integer, floating
    /// point, bool, null, byte[] and tensors. A dictionary typed string → Tensor is written as an OrderedDict.</summary>
    public static void Write(string path, object? root)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoint writing assumes a little-endian machine");
        var pickler = new PickleWriter();
        byte[] pickle = pickler.Pickle(root);
        AtomicFile.Write(path, stream =>
        {
            var zip = new TorchZipWriter(stream);
            zip.Add(Folder + "data.pkl", pickle);
            zip.Add(Folder + "byteorder", "little"u8);
            foreach (var (key, tensor) in pickler.Storages)
            {
                // detach() gives a handle of our own, so disposing the cpu/contiguous copies never touches the caller's tensor.
                using var own = tensor.detach();
                using var cpu = own.cpu();
                using var contiguous = cpu.contiguous();
                zip.Add(Folder + "data/" + key, contiguous.numel() == 0 ? [] : contiguous.bytes);
            }
            zip.Add(Folder + "version", Encoding.ASCII.GetBytes("3\n"));
            zip.Finish();
        });
    }

    /// <summary>Writes a state dict (name → tensor, in order) as the top-level OrderedDict, like torch.save(model.state_dict()).</summary>
    public static void WriteStateDict(string path, IEnumerable<KeyValuePair<string, Tensor>> stateDict) =>
        Write(path, new CheckpointDict(isOrderedDict: true).With(stateDict));

    /// <summary>Writes a bare tensor, like torch.save(tensor) (the form of the official CHM weight file).</summary>
    public static void WriteTensor(string path, Tensor tensor) => Write(path, tensor);

    static CheckpointDict With(this CheckpointDict d, IEnumerable<KeyValuePair<string, Tensor>> items)
    {
        foreach (var (k, v) in items) d.Add(k, v);
        return d;
    }
}
