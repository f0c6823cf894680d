using Ridcp.Core;
using TorchSharp;
using Xunit;

namespace Ridcp.Tests.Core;

public class TorchNativeTests
{
    [Fact]
    public void Torch_computes_after_the_native_library_is_prepared()
    {
        TorchNative.EnsureLoaded();
        using var a = torch.arange(1, 5, dtype: torch.float32);
        Assert.Equal(10f, a.sum().item<float>());
        Assert.DoesNotContain("not initialised", TorchNative.Status);
    }

    [Fact]
    public void Marking_a_version_weak_changes_only_that_entry()
    {
        string lib = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        byte[] elf = File.ReadAllBytes(lib);
        var before = ElfVersionPatcher.RequiredVersions(elf, "libstdc++.so.6");
        Assert.Contains(before, v => v.Version == "GLIBCXX_3.4.32" && (v.Flags & 2) == 0);

        byte[] copy = (byte[])elf.Clone();
        Assert.Equal(1, ElfVersionPatcher.MarkWeak(copy, new HashSet<string> { "GLIBCXX_3.4.32" }));

        var after = ElfVersionPatcher.RequiredVersions(copy, "libstdc++.so.6");
        Assert.Contains(after, v => v.Version == "GLIBCXX_3.4.32" && (v.Flags & 2) != 0);
        Assert.All(after.Where(v => v.Version != "GLIBCXX_3.4.32"), v => Assert.Equal(0, v.Flags & 2));
        // exactly one byte differs: the low byte of that entry's vna_flags
        Assert.Equal(1, elf.Zip(copy).Count(p => p.First != p.Second));
    }
}
