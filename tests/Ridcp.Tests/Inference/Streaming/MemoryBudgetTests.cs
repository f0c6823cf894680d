using Ridcp.Inference.Streaming;
using Xunit;

namespace Ridcp.Tests.Inference.Streaming;

/// <summary>--max-memory sizes and the default share of the available memory.</summary>
public class MemoryBudgetTests
{
    [Theory]
    [InlineData("600M", 600L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("800MB", 800L << 20)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("1048576", 1L << 20)]
    public void Sizes_read_with_binary_units(string text, long bytes) => Assert.Equal(bytes, MemoryBudget.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-2G")]
    [InlineData("0")]
    public void Bad_sizes_are_refused(string text) => Assert.Throws<ArgumentException>(() => MemoryBudget.Parse(text));

    [Fact]
    public void The_default_is_half_the_available_memory()
    {
        if (MemoryBudget.AvailableBytes() is not long available) return;   // no /proc/meminfo on this system
        long budget = MemoryBudget.Default();
        Assert.InRange(budget, (long)(available * 0.4), (long)(available * 0.6));   // MemAvailable moves between the two reads
    }
}
