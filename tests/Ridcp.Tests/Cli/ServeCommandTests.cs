using Ridcp.Cli;
using Xunit;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp serve`'s command line (the app itself: Serve/ServeApiTests and ServePageBrowserTests). Refusals
/// come before the model is loaded or a port is opened.</summary>
public class ServeCommandTests
{
    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("-2G")]
    public void A_cache_memory_that_is_no_size_is_refused_with_one_line_and_the_usage_exit_code(string size)
    {
        var r = CliRun.AsMain("serve", "--cache-memory", size, "--port", "0");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Equal($"error: memory size must look like 600M or 2G, got '{size}'", Assert.Single(r.ErrLines));
    }

    [Fact]
    public void Help_names_the_cache_memory_option_and_its_default()
    {
        var r = CliRun.AsMain("serve", "--help");
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        Assert.Contains("--cache-memory", r.Out);
        Assert.Contains("25% of the memory budget", r.Out);
    }
}
