using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;

namespace Ridcp.Core;

/// <summary>
/// Makes TorchSharp's native library loadable before the first torch call.
///
/// TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 (newer than Debian 12's libstdc++),
/// but only for std::ios_base_library_init(), which it references and never calls. Where the library
/// loads as shipped, nothing is done. Where it does not, and the only obstacle is libstdc++ symbol
/// versions this system lacks, a private copy with those requirements marked weak is written to a cache
/// folder (never the NuGet cache or the build output) and handed to TorchSharp through a DllImport resolver.
/// </summary>
public static class TorchNative
{
    const string LibraryName = "LibTorchSharp";
    const string FileName = "libLibTorchSharp.so";
    static readonly object Gate = new();
    static bool _done;

    /// <summary>What happened: "as shipped", "patched copy at PATH", or "not linux".</summary>
    public static string Status { get; private set; } = "not initialised";

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_done) return;
            _done = true;
            if (!OperatingSystem.IsLinux()) { Status = "not linux"; return; }
            PreferPassiveOpenMpWaiting();
            string? original = FindOriginal();
            if (original is null) { Status = "library not found beside the app; left to TorchSharp"; return; }
            string dir = Path.GetDirectoryName(original)!;
            if (NativeLibrary.TryLoad(original, out _)) { Status = "as shipped"; return; }

            byte[] elf = File.ReadAllBytes(original);
            var missing = MissingLibstdcxxVersions(elf);
            if (missing.Count == 0) { Status = "load failed for a reason other than libstdc++ versions; left to TorchSharp"; return; }
            ElfVersionPatcher.MarkWeak(elf, missing);
            string patched = WritePatchedCopy(elf);

            // The copy lives elsewhere, so its $ORIGIN runpath no longer finds libtorch: load those by full
            // path first; the loader then satisfies the copy's DT_NEEDED entries by soname.
            foreach (var dep in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            {
                var p = Path.Combine(dir, dep);
                if (File.Exists(p)) NativeLibrary.Load(p);
            }
            IntPtr handle = NativeLibrary.Load(patched);
            NativeLibrary.SetDllImportResolver(typeof(torch).Assembly,
                (name, _, _) => name == LibraryName ? handle : IntPtr.Zero);
            Status = $"patched copy at {patched} (weak: {string.Join(", ", missing)})";
        }
    }

    /// <summary>
    /// libtorch's OpenMP threads spin while they wait by default. On a 2-core machine shared with the .NET runtime
    /// (and other processes) the spinning starves the real work: a tiny training iteration took 9.4 s instead of
    /// 0.47 s. Unless the user chose a policy, ask for passive waiting. libgomp reads the variable when it is
    /// loaded, so it must be in the native environment (setenv; .NET's own Environment API does not reach it)
    /// before libtorch loads.
    /// </summary>
    static void PreferPassiveOpenMpWaiting()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        try { _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    static string? FindOriginal()
    {
        string baseDir = AppContext.BaseDirectory;
        string torchDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? baseDir;
        var dirs = new[] { Path.Combine(baseDir, "runtimes", "linux-x64", "native"), baseDir,
                     Path.Combine(torchDir, "runtimes", "linux-x64", "native"), torchDir };
        // Prefer the folder that also holds libtorch (the NuGet layout); else a lone LibTorchSharp whose libtorch
        // comes from the loader's search path (LD_LIBRARY_PATH at a Python install of PyTorch, for instance).
        foreach (bool needLibtorch in new[] { true, false })
            foreach (var d in dirs)
            {
                var p = Path.Combine(d, FileName);
                if (File.Exists(p) && (!needLibtorch || File.Exists(Path.Combine(d, "libtorch_cpu.so")))) return p;
            }
        return null;
    }

    /// <summary>GLIBCXX versions the library needs that the process's libstdc++ does not define.</summary>
    static HashSet<string> MissingLibstdcxxVersions(byte[] elf)
    {
        var needed = ElfVersionPatcher.RequiredVersions(elf, "libstdc++.so.6").Select(v => v.Version).ToList();
        string? libstdcxx = FindLoadedLibstdcxx();
        var missing = new HashSet<string>();
        if (libstdcxx is null) return missing;
        byte[] have = File.ReadAllBytes(libstdcxx);
        foreach (var v in needed)
            if (have.AsSpan().IndexOf(Encoding.ASCII.GetBytes(v + "\0")) < 0) missing.Add(v);
        return missing;
    }

    static string? FindLoadedLibstdcxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int i = line.IndexOf('/');
                if (i >= 0 && line.Contains("libstdc++.so")) return line[i..].Trim();
            }
        }
        catch (IOException) { }
        foreach (var p in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" })
            if (File.Exists(p)) return p;
        return null;
    }

    static string WritePatchedCopy(byte[] elf)
    {
        string hash = Convert.ToHexString(SHA256.HashData(elf))[..16].ToLowerInvariant();
        string root = Environment.GetEnvironmentVariable("RIDCP_NATIVE_CACHE")
            ?? Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME")
                            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                            "ridcp", "native");
        foreach (var candidate in new[] { root, Path.Combine(Path.GetTempPath(), "ridcp-native") })
        {
            try
            {
                string dir = Path.Combine(candidate, hash);
                Directory.CreateDirectory(dir);
                string target = Path.Combine(dir, FileName);
                if (File.Exists(target) && new FileInfo(target).Length == elf.Length) return target;
                string tmp = target + "." + Environment.ProcessId + ".tmp";
                File.WriteAllBytes(tmp, elf);
                File.Move(tmp, target, overwrite: true);
                return target;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        throw new IOException("could not write a patched copy of libLibTorchSharp.so to any cache folder");
    }
}
