using Ridcp.Cli;
using Xunit;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp info` and the top-level command line: what a new user sees first.</summary>
public class InfoCommandTests
{
    [Fact]
    public void Info_prints_every_version_the_issue_asks_for_and_the_bf16_feature_line()
    {
        var r = CliRun.AsMain("info");
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        foreach (var label in new[] { "Ridcp.NET: 0.1", "TorchSharp: 0.107", "LibTorch: ", "image codecs: SkiaSharp ", ".NET: .NET 10", "OS: ", "CPU features: ", "bundled model: " })
            Assert.Contains(label, r.Out);
        // AVX512_BF16 is named either way: as present, or as "(no AVX512_BF16)" (or not checked off Linux).
        Assert.Contains("AVX512_BF16", r.Out.Split('\n').Single(l => l.StartsWith("CPU features: ")));
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void An_unknown_command_is_named_in_one_error_line_with_exit_2()
    {
        var r = CliRun.AsMain("dehase", "x.png");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Equal("error: unknown command 'dehase' (see 'ridcp --help')", Assert.Single(r.ErrLines));
        var sub = CliRun.AsMain("bench", "nothing");
        Assert.Equal("error: unknown command 'nothing' (see 'ridcp bench --help')", Assert.Single(sub.ErrLines));
    }

    [Fact]
    public void Every_command_takes_verbose_in_both_spellings()
    {
        var commands = new List<System.CommandLine.Command>();
        void Walk(System.CommandLine.Command c) { if (c.Subcommands.Count == 0) commands.Add(c); foreach (var s in c.Subcommands) Walk(s); }
        Walk(Program.Build());
        Assert.True(commands.Count >= 12);
        Assert.All(commands, c => Assert.Contains(c.Options, o => o.Name == "--verbose" && o.Aliases.Contains("-v")));
    }

    [Fact]
    public void Top_level_descriptions_are_one_short_line()
    {
        foreach (var c in Program.Build().Subcommands)
            Assert.True(c.Description!.Length <= 100 && !c.Description.Contains('\n'), $"{c.Name}: {c.Description}");
    }

    [Fact]
    public void Help_of_a_command_with_required_options_prints_its_help_and_the_details_at_the_end()
    {
        var r = CliRun.AsMain("synthesize", "--help");
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Err);
        Assert.Contains("--clear", r.Out);
        Assert.Contains("Details:", r.Out);
        Assert.Contains("manifest.jsonl", r.Out[r.Out.IndexOf("Details:")..]);
        Assert.Equal(ExitCodes.Ok, CliRun.AsMain("dehaze", "--help").ExitCode);
    }
}
