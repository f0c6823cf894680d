using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp` restarts itself on jemalloc where libjemalloc2 is installed (Cli/AllocatorLauncher), which only a
/// real process shows: these tests start the built CLI. CI installs the library (.ci/install-jemalloc) and sets
/// RIDCP_REQUIRE_JEMALLOC=1, so there the jemalloc side cannot be skipped.</summary>
public class AllocatorLauncherTests
{
    static bool Installed => Ridcp.Cli.AllocatorLauncher.InstalledLibrary is not null;

    static (int Code, string Out) Info(string? allocator)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ridcp.dll"));
        start.ArgumentList.Add("info");
        start.Environment.Remove("LD_PRELOAD");
        start.Environment.Remove("RIDCP_ALLOCATOR_STARTED");
        if (allocator is null) start.Environment.Remove("RIDCP_ALLOCATOR"); else start.Environment["RIDCP_ALLOCATOR"] = allocator;
        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "ridcp info did not finish");
        return (p.ExitCode, output);
    }

    [Fact]
    public void Where_jemalloc_is_installed_the_command_runs_on_it_and_reads_its_statistics()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("RIDCP_REQUIRE_JEMALLOC") == "1")
            Assert.True(Installed, "libjemalloc2 is not installed (.ci/install-jemalloc)");
        var (code, output) = Info(null);
        Assert.Equal(0, code);
        if (!Installed)
        {
            Assert.Contains("memory allocator: glibc malloc", output);
            return;
        }
        var m = Regex.Match(output, @"memory allocator: jemalloc \S+, (\d+) KiB allocated, (\d+) KiB resident");
        Assert.True(m.Success, output);
        long allocated = long.Parse(m.Groups[1].Value), resident = long.Parse(m.Groups[2].Value);
        // The runtime and LibTorch are loaded by then: tens of MB, all of it served by jemalloc.
        Assert.InRange(allocated, 1024, 64L << 20);
        Assert.True(resident >= allocated, $"{resident} KiB resident < {allocated} KiB allocated");
    }

    [Fact]
    public void Ridcp_allocator_system_keeps_glibc()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (code, output) = Info("system");
        Assert.Equal(0, code);
        Assert.Contains("memory allocator: glibc malloc", output);
    }

    [Fact]
    public void A_missing_allocator_library_is_ignored_and_the_command_runs_on_glibc()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (code, output) = Info("/nonexistent/libjemalloc.so.2");
        Assert.Equal(0, code);
        Assert.Contains("memory allocator: glibc malloc", output);
    }
}
