using System.Globalization;
using CsCheck;
using Ridcp.Training.Config;
using Xunit;

namespace Ridcp.Tests.Training;

/// <summary>Property (CsCheck): a config with any in-range values reads into typed options that keep those values,
/// and the YAML the run folder stores (<see cref="TrainOptionsLoader.ToYaml"/>) reads back into the same options —
/// so `--resume` from RUN_DIR/config.yml trains what the original config said.</summary>
public class ConfigRoundTripProperties
{
    record Values(long Seed, int GtSize, int Batch, long TotalIter, double Lr, double Beta1, double Gamma, long[] Milestones,
                  double PixelWeight, bool Flip, int NumVal, long Freq, int CodebookSize, int SwinDepth);

    static readonly Gen<Values> Config = Gen.Select(
        Gen.Select(Gen.Long[0, 1L << 40], Gen.Int[16, 512], Gen.Int[1, 64], Gen.Long[1, 1_000_000], (seed, gt, batch, total) => (seed, gt, batch, total)),
        Gen.Select(Gen.Double[1e-7, 1], Gen.Double[0, 0.999], Gen.Double[0.01, 1], Gen.Long[0, 1_000_000].Array[0, 4], (lr, b1, gamma, ms) => (lr, b1, gamma, ms)),
        Gen.Select(Gen.Double[0, 10], Gen.Bool, Gen.Int[1, 100], Gen.Long[1, 100_000], (w, flip, nv, freq) => (w, flip, nv, freq)),
        Gen.Select(Gen.Int[2, 4096], Gen.Int[1, 8], (cb, depth) => (cb, depth)),
        (a, b, c, d) => new Values(a.seed, a.gt, a.batch, a.total, b.lr, b.b1, b.gamma, b.ms, c.w, c.flip, c.nv, c.freq, d.cb, d.depth));

    static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    static string Yaml(Values v) => $$"""
        manual_seed: {{v.Seed}}
        model_type: RIDCPModel
        datasets:
          train: {dataroot_gt: clear, gt_size: {{v.GtSize}}, batch_size_per_gpu: {{v.Batch}}, use_flip: {{(v.Flip ? "true" : "false")}}}
          val: {num_val: {{v.NumVal}}}
        network_g: {codebook_params: [[64, {{v.CodebookSize}}, 32]], swin_blk_depth: {{v.SwinDepth}}}
        train:
          total_iter: {{v.TotalIter}}
          optim_g: {lr: !!float {{F(v.Lr)}}, betas: [{{F(v.Beta1)}}, 0.99]}
          scheduler: {milestones: [{{string.Join(", ", v.Milestones)}}], gamma: {{F(v.Gamma)}}}
          pixel_opt: {loss_weight: {{F(v.PixelWeight)}}}
        logger: {save_checkpoint_freq: {{v.Freq}}}
        """;

    [Fact]
    public void Any_in_range_config_keeps_its_values_and_its_stored_yaml_reads_back_the_same()
    {
        using var tmp = new TempFolder();
        string dir = tmp.Path;
        Config.Sample(v =>
        {
            string first = Path.Combine(dir, "c.yml"), stored = Path.Combine(dir, "stored.yml");
            File.WriteAllText(first, Yaml(v));
            var o = TrainOptionsLoader.Load(first, TrainStage.Vqgan);
            Assert.Equal((v.Seed, v.GtSize, v.Batch, v.TotalIter, v.Lr, v.Beta1, v.Gamma, v.PixelWeight, v.Flip, v.NumVal, v.Freq),
                         (o.ManualSeed, o.Data.GtSize, o.Data.BatchSize, o.TotalIter, o.OptimG.Lr, o.OptimG.Beta1, o.Gamma, o.Losses.Pixel, o.Data.UseFlip, o.Data.NumVal, o.Logger.SaveCheckpointFreq));
            Assert.Equal(v.Milestones, o.Milestones);
            Assert.Equal(["model_type"], o.IgnoredKeys);

            File.WriteAllText(stored, TrainOptionsLoader.ToYaml(o));
            var again = TrainOptionsLoader.Load(stored, TrainStage.Vqgan);
            Assert.Equal(TrainOptionsLoader.Fingerprint(o), TrainOptionsLoader.Fingerprint(again));
            Assert.Equal(Body(TrainOptionsLoader.ToYaml(o)), Body(TrainOptionsLoader.ToYaml(again)));
        }, iter: 80, threads: 1);
    }

    /// <summary>The YAML without its first line, which names the file it was resolved from.</summary>
    static string Body(string yaml) => yaml[(yaml.IndexOf('\n') + 1)..];
}
