using TorchSharp;

namespace Ridcp.Core;

/// <summary>Turns a user's device name into a TorchSharp device. Generic on purpose: with a CUDA build of
/// TorchSharp referenced instead of TorchSharp-cpu, "cuda" works unchanged.</summary>
public static class Devices
{
    public static torch.Device Parse(string? name)
    {
        TorchNative.EnsureLoaded();
        name = string.IsNullOrWhiteSpace(name) ? "cpu" : name.Trim().ToLowerInvariant();
        if (name == "cpu") return torch.CPU;
        if (name.StartsWith("cuda"))
        {
            if (!torch.cuda.is_available())
                throw new ArgumentException($"device '{name}' asked for, but this TorchSharp build has no usable CUDA (reference a CUDA TorchSharp package and check the driver)");
            return torch.device(name);
        }
        throw new ArgumentException($"unknown device '{name}' (use cpu or cuda[:N])");
    }
}
