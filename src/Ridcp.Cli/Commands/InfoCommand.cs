using System.CommandLine;
using Ridcp.Core;
using TorchSharp;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp info`: versions and how the native torch library was loaded.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var cmd = new Command("info", "Show versions and how TorchSharp's native library was loaded");
        cmd.SetAction(_ =>
        {
            TorchNative.EnsureLoaded();
            using var t = torch.ones(2);
            Console.WriteLine($"TorchSharp native: {TorchNative.Status}");
            Console.WriteLine($"CUDA available: {torch.cuda.is_available()}");
            Console.WriteLine($"threads: {torch.get_num_threads()}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
