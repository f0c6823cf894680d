using System.Runtime.CompilerServices;

namespace Ridcp.Tests;

static class AssemblyInit
{
    /// <summary>Tests may call torch before any Ridcp type: prepare the native library first.</summary>
    [ModuleInitializer]
    internal static void Init() => Ridcp.Core.TorchNative.EnsureLoaded();
}
