using Ridcp.Cli.Serve;
using Ridcp.Inference;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Serve;

/// <summary>The α slider's cache of encoder outputs: least recently used out, bounded by entries and by bytes.</summary>
public class EncodedImageCacheTests
{
    /// <summary>An encoded image holding exactly <paramref name="floats"/> float32 values (only its size matters here).</summary>
    static EncodedImage Entry(int floats) => new(zeros(floats), zeros(0), 8, 8, 8, 8);

    const int EntryFloats = 1000;
    const long EntryBytes = EntryFloats * sizeof(float);

    static bool IsDisposed(EncodedImage image) => image.EncFeats.IsInvalid;

    [Fact]
    public void Past_the_byte_budget_the_least_recently_used_entry_is_evicted_and_disposed()
    {
        // room for two entries and a half, whatever the count
        using var cache = new EncodedImageCache(capacity: 10, budgetBytes: EntryBytes * 5 / 2);
        var a = Entry(EntryFloats);
        var b = Entry(EntryFloats);
        var c = Entry(EntryFloats);
        Assert.True(cache.Add("a", a));
        Assert.True(cache.Add("b", b));
        Assert.Same(a, cache.Find("a")); // a is now more recent than b
        Assert.True(cache.Add("c", c));

        Assert.Null(cache.Find("b"));
        Assert.True(IsDisposed(b));
        Assert.Same(a, cache.Find("a"));
        Assert.Same(c, cache.Find("c"));
        Assert.False(IsDisposed(a) || IsDisposed(c));
        Assert.Equal(2, cache.Count);
        Assert.Equal(2 * EntryBytes, cache.Bytes);
    }

    [Fact]
    public void Past_the_entry_count_the_least_recently_used_entry_is_evicted()
    {
        using var cache = new EncodedImageCache(capacity: 2, budgetBytes: long.MaxValue);
        var a = Entry(EntryFloats);
        cache.Add("a", a);
        cache.Add("b", Entry(EntryFloats));
        cache.Add("c", Entry(EntryFloats));
        Assert.Null(cache.Find("a"));
        Assert.True(IsDisposed(a));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void An_entry_larger_than_the_whole_budget_is_not_kept_and_evicts_nothing()
    {
        using var cache = new EncodedImageCache(capacity: 10, budgetBytes: 2 * EntryBytes);
        var small = Entry(EntryFloats);
        cache.Add("small", small);
        using var large = Entry(3 * EntryFloats);

        Assert.False(cache.Add("large", large));
        Assert.Null(cache.Find("large"));
        Assert.False(IsDisposed(large)); // still the caller's to use and dispose
        Assert.Same(small, cache.Find("small"));
        Assert.Equal(EntryBytes, cache.Bytes);
    }

    [Fact]
    public void Disposing_the_cache_disposes_its_entries()
    {
        var cache = new EncodedImageCache(capacity: 10, budgetBytes: long.MaxValue);
        var a = Entry(EntryFloats);
        cache.Add("a", a);
        cache.Dispose();
        Assert.True(IsDisposed(a));
        Assert.Equal(0, cache.Bytes);
    }
}
