using System.Runtime.CompilerServices;

namespace Ridcp.Core;

static class NativeModuleInit
{
    /// <summary>Runs when this assembly is first touched, so any Ridcp API call prepares TorchSharp's native library.</summary>
    [ModuleInitializer]
    internal static void Init() => TorchNative.EnsureLoaded();
}
