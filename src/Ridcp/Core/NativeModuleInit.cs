using System.Runtime.CompilerServices;

namespace Ridcp.Core;

static class NativeModuleInit
{
    /// <summary>Runs when this assembly is first touched, so any Ridcp API call prepares TorchSharp's native library.</summary>
    // CA2255 warns that module initialisers are meant for applications; this library's one is deliberate: the native
    // library must be prepared before any TorchSharp type runs, whichever Ridcp API a program calls first.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init() => TorchNative.EnsureLoaded();
}
