using System.Text.Json;
using Ridcp.Cli;
using Ridcp.Tests.Cli;
using Ridcp.Training;
using Ridcp.Training.Config;
using Xunit;

namespace Ridcp.Tests.Training;

/// <summary>Issue 15: hostile configs (YAML bombs, tags, typos, absurd numbers) and a run folder whose checkpoints
/// lie or are damaged. Every file is written by the test, a few hundred bytes each.</summary>
public class HostileTrainingTests : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    /// <summary>The config in a folder of its own, so that it is called c.yml however many a test writes.</summary>
    string ConfigFile(string yaml)
    {
        string path = Path.Combine(Directory.CreateDirectory(tmp.File(Guid.NewGuid().ToString("N")[..8])).FullName, "c.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    FormatException Refused(string yaml) =>
        Assert.Throws<FormatException>(() => TrainOptionsLoader.Load(ConfigFile(yaml), TrainStage.Vqgan));

    const string Minimal = "datasets: {train: {dataroot_gt: clear}}\n";

    [Fact]
    public void An_eleven_byte_self_referencing_alias_is_refused_instead_of_overflowing_the_stack()
    {
        var e = Refused("a: &a [*a]\n");
        Assert.Contains("anchors", e.Message);
    }

    [Fact]
    public void A_billion_laughs_alias_expansion_is_refused_before_it_is_expanded()
    {
        var yaml = new System.Text.StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) yaml.Append($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))}]\n");
        Assert.True(yaml.Length < 1000);
        long before = GC.GetTotalAllocatedBytes();
        var e = Refused(yaml.ToString());
        Assert.Contains("not allowed", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 64L << 20);
    }

    [Fact]
    public void A_python_tag_is_refused_not_taken_as_a_run_name()
    {
        var e = Refused(Minimal + "name: !!python/object/apply:os.system ['echo pwned']\n");
        Assert.Contains("tag", e.Message);
        Assert.Contains("python", e.Message);
    }

    [Fact]
    public void Standard_float_tags_of_the_official_configs_still_read()
    {
        var o = TrainOptionsLoader.Load(ConfigFile(Minimal + "train: {optim_g: {lr: !!float 2e-4}}\n"), TrainStage.Vqgan);
        Assert.Equal(2e-4, o.OptimG.Lr);
    }

    /// <summary>Fuzzing findings (docs/fuzzing.md): YamlDotNet threw ArgumentException / InvalidOperationException,
    /// which surfaced as a usage error or an internal error instead of a config error.</summary>
    [Theory]
    [InlineData("!!]")]
    [InlineData("network_g:\n  frozen_module_keywords: ['quantize', 'decoder_group', 'after_quant_group', !out_conv']\n\nnetwork_d:")]
    public void Malformed_yaml_that_trips_the_yaml_library_is_a_config_error(string yaml)
    {
        var e = Refused(yaml);
        Assert.Contains("c.yml", e.Message);
    }

    [Fact]
    public void Nesting_a_thousand_levels_deep_is_refused()
    {
        var e = Refused("a: " + new string('[', 1000) + new string(']', 1000) + "\n");
        Assert.Contains("nested deeper", e.Message);
    }

    [Theory]
    [InlineData("train: {totl_iter: 5}\n", "'train.totl_iter'", "did you mean 'train.total_iter'")]
    [InlineData("nmae: x\n", "'nmae' at the top level", "did you mean 'name'")]
    [InlineData("logger: {save_checkpoint_frq: 5}\n", "'logger.save_checkpoint_frq'", "did you mean 'logger.save_checkpoint_freq'")]
    [InlineData("train: {zzzzzzzzzz: 1}\n", "'train.zzzzzzzzzz'", "under 'train'")]
    public void A_misspelt_key_is_refused_with_the_nearest_known_key(string yaml, string names, string hint)
    {
        var e = Refused(Minimal + yaml);
        Assert.Contains(names, e.Message);
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public void Official_keys_this_trainer_does_not_use_are_accepted_and_listed()
    {
        var o = TrainOptionsLoader.Load(ConfigFile(Minimal + "model_type: RIDCPModel\nnum_gpu: 1\ntrain: {ema_decay: 0.999, total_iter: 3}\n"), TrainStage.Vqgan);
        Assert.Equal(["model_type", "num_gpu", "train.ema_decay"], o.IgnoredKeys);
    }

    [Theory]
    [InlineData("train: {total_iter: 1e20}\n", "total_iter")]
    [InlineData("train: {total_iter: 99999999999}\n", "total_iter")]
    [InlineData("datasets: {train: {dataroot_gt: clear, gt_size: 4294967328}}\n", "gt_size")]
    [InlineData("train: {optim_g: {lr: .inf}}\n", "lr")]
    [InlineData("train: {optim_g: {betas: [0.9, 5]}}\n", "betas")]
    [InlineData("train: {scheduler: {milestones: [1e30]}}\n", "milestones")]
    [InlineData("network_g: {swin_blk_depth: 100000}\n", "blk_depth")]
    [InlineData("network_g: {codebook_params: [[64, 20000000, 64]]}\n", "codebook_params")]
    public void Numbers_out_of_range_are_refused_when_the_config_is_read(string yaml, string names)
    {
        var e = Refused(yaml.StartsWith("datasets") ? yaml : Minimal + yaml);
        Assert.Contains(names, e.Message);
    }

    [Fact]
    public void The_cli_refuses_a_yaml_bomb_with_one_line_exit_3_and_no_run_folder()
    {
        string root = tmp.Path;
        string cfg = Path.Combine(root, "bomb.yml");
        File.WriteAllText(cfg, "a: &a [*a]\n");
        string run = Path.Combine(root, "run");
        var r = CliRun.AsMain("train", "vqgan", "--config", cfg, "--out", run);
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(r.ErrLines));
        Assert.False(Directory.Exists(run));
    }

    // ---- resume ----

    static string RunConfig(string root, double lr = 2e-4)
    {
        TinySetup.ImageFolder(Path.Combine(root, "data", "clear"), count: 3, size: 64);
        string path = Path.Combine(root, "c.yml");
        File.WriteAllText(path, $$$"""
            datasets: {data_root: data, train: {dataroot_gt: clear, gt_size: 32, batch_size_per_gpu: 1}, val: {num_val: 1, val_size: 32}}
            network_g: {codebook_params: [[64, 32, 32]], channel_query_dict: {64: 32, 128: 32, 256: 32}, swin_blk_depth: 2, swin_num_blocks: 1, swin_num_heads: 2}
            network_d: {num_feat: 8}
            train: {total_iter: 1, optim_g: {lr: {{{lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}, perceptual_opt: {loss_weight: 0}, pixel_opt: {loss_weight: 1}, gan_opt: {loss_weight: 0.1}, codebook_opt: {loss_weight: 1}}
            logger: {save_checkpoint_freq: 1}
            val: {val_freq: 100}
            """);
        return path;
    }

    static (TrainOutcome Outcome, string Log) Train(string config, string run, bool resume)
    {
        var log = new StringWriter();
        var outcome = TrainingService.Run(new TrainRequest(TrainStage.Vqgan, config, run, resume, null, 1, null), new LogLineProgress(log, 100), CancellationToken.None);
        return (outcome, log.ToString());
    }

    /// <summary>A run folder as a run leaves it — config.yml, losses.csv and a good checkpoint iter_00000001 of freshly
    /// initialised nets (saved without training a step, so that nothing but the damage can make it unusable) — plus a
    /// copy of that checkpoint as iter_00000002 that <paramref name="damage"/> spoils.</summary>
    (string Config, string Run, string Bad) RunWithDamagedLastCheckpoint(string name, Action<string> damage)
    {
        string root = tmp.Path;
        string cfg = RunConfig(root), run = Path.Combine(root, "run");
        var (opt, _) = SemanticLossSetup.Resolve(TrainOptionsLoader.Load(cfg, TrainStage.Vqgan, iterationsOverride: 1), null);   // as TrainingService does
        var folder = new RunFolder(run);
        using (var model = TrainingService.Build(opt, TorchSharp.torch.CPU, out _, out _))
            folder.SaveCheckpoint(1, 1, model, TrainOptionsLoader.Fingerprint(opt));
        File.WriteAllText(folder.Config, TrainOptionsLoader.ToYaml(opt));
        File.WriteAllText(folder.Losses, "iter,l_pix\n1,0.5\n");
        string good = folder.CheckpointDir(1), bad = folder.CheckpointDir(2);
        Directory.CreateDirectory(bad);
        foreach (var f in Directory.GetFiles(good)) File.Copy(f, Path.Combine(bad, Path.GetFileName(f)));
        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(good, "state.json")))!;
        File.WriteAllText(Path.Combine(bad, "state.json"), JsonSerializer.Serialize(state with { Iter = 2 }));
        damage(bad);
        return (cfg, run, bad);
    }

    static Dictionary<string, byte[]> Snapshot(string run) =>
        Directory.GetFiles(run, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("train.log"))
                 .ToDictionary(f => f, File.ReadAllBytes);

    [Theory]
    [InlineData("negative-iter")]
    [InlineData("garbage-state")]
    [InlineData("truncated-optim")]
    [InlineData("missing-rng")]
    public void A_damaged_last_checkpoint_falls_back_to_the_previous_one_with_a_warning(string damage)
    {
        var (cfg, run, bad) = RunWithDamagedLastCheckpoint(damage, dir =>
        {
            switch (damage)
            {
                case "negative-iter": File.WriteAllText(Path.Combine(dir, "state.json"), """{"Iter":-5,"NextSample":1}"""); break;
                case "garbage-state": File.WriteAllText(Path.Combine(dir, "state.json"), "{\"Iter\": [garbage"); break;
                case "truncated-optim":
                    var b = File.ReadAllBytes(Path.Combine(dir, "optim_g.bin"));
                    File.WriteAllBytes(Path.Combine(dir, "optim_g.bin"), b[..(b.Length / 2)]);
                    break;
                case "missing-rng": File.Delete(Path.Combine(dir, "rng.pth")); break;
            }
        });
        var before = Snapshot(run);
        var (outcome, log) = Train(cfg, run, resume: true);
        Assert.Equal(1, outcome.LastIter);   // resumed at iteration 1, the previous good checkpoint
        Assert.Contains("warning: checkpoint iter_00000002 is unusable", log);
        Assert.Contains("resuming from iter_00000001", log);
        var after = Snapshot(run);
        foreach (var (f, bytes) in before)
            if (!f.EndsWith("config.yml")) Assert.True(after.TryGetValue(f, out var now) && now.SequenceEqual(bytes), $"{f} changed");
    }

    [Fact]
    public void A_resume_with_another_config_is_refused_and_touches_nothing()
    {
        var (cfg, run, _) = RunWithDamagedLastCheckpoint("hostile-resume-config", _ => { });
        var before = Snapshot(run);
        File.WriteAllText(cfg, File.ReadAllText(cfg).Replace("lr: 0.0002", "lr: 0.01"));
        var e = Assert.Throws<InvalidDataException>(() => Train(cfg, run, resume: true));
        Assert.Contains("other options", e.Message);
        var after = Snapshot(run);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (f, bytes) in before) Assert.True(after[f].SequenceEqual(bytes), $"{f} changed");
    }

    [Fact]
    public void A_resume_whose_every_checkpoint_is_damaged_is_refused_with_exit_3_naming_the_reason()
    {
        var (_, run, bad) = RunWithDamagedLastCheckpoint("hostile-resume-all", _ => { });
        Directory.Delete(bad, recursive: true);
        File.WriteAllText(Path.Combine(run, "checkpoints", "iter_00000001", "state.json"), """{"Iter":-5,"NextSample":0}""");
        string losses = File.ReadAllText(Path.Combine(run, "losses.csv"));
        var r = CliRun.AsMain("train", "vqgan", "--resume", run);
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("iteration -5", r.ErrLines.Last());
        Assert.Equal(losses, File.ReadAllText(Path.Combine(run, "losses.csv")));
    }
}
