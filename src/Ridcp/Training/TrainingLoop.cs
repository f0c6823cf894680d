using System.Diagnostics;
using System.Globalization;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>The generic loop (BasicSR train.py, without its registries): for each iteration set the learning rates
/// from the pure schedule, take the next batch, let the model optimise, log the losses; checkpoint every
/// save_checkpoint_freq iterations and at the end; validate every val_freq iterations and at the end. A cancelled
/// token (Ctrl+C) saves a checkpoint of the last finished iteration and returns.</summary>
public static class TrainingLoop
{
    public static TrainOutcome Run(ITrainerModel model, ITrainingDataSource data, TrainOptions opt, RunFolder run,
                                   long startIter, long startSample, ITrainingProgress progress, CancellationToken ct)
    {
        var lossLog = LossLog.Resume(run.Losses, startIter);
        var valLog = LossLog.Resume(run.Validation, startIter);
        var best = new BestCheckpoint(run, opt.Val.BestMetric, startIter);
        void Log(string line) { progress.Log(line); run.AppendLog(line); }

        long iter = startIter, nextSample = startSample;
        long lastSaved = startIter;
        IReadOnlyDictionary<string, double>? lastVal = null;
        var clock = new Stopwatch();   // runs only during iterations (data + step), not checkpoints or validation
        long itersTimed = 0;
        progress.Start(startIter, opt.TotalIter);
        try
        {
            while (iter < opt.TotalIter)
            {
                if (ct.IsCancellationRequested)
                {
                    if (iter > lastSaved) Save();
                    Log($"interrupted after iteration {iter}; checkpoint saved, resume with --resume {run.Root}");
                    return new TrainOutcome(iter, true, Rate(), lastVal);
                }
                long it = iter + 1;
                clock.Start();
                model.SetLearningRates(LrSchedule.At(it, opt.OptimG.Lr, opt.Milestones, opt.Gamma),
                                       LrSchedule.At(it, opt.OptimD.Lr, opt.Milestones, opt.Gamma));
                IReadOnlyDictionary<string, double> losses;
                using (var batch = data.Next(opt.Data.BatchSize))
                {
                    losses = model.OptimizeParameters(it, batch);
                    nextSample = batch.NextSample;
                }
                foreach (var (k, v) in losses)
                    if (!double.IsFinite(v))
                        throw new ArithmeticException($"loss {k} is {v} at iteration {it}; the last good checkpoint is iteration {lastSaved}");
                clock.Stop();
                iter = it;
                itersTimed++;
                lossLog.Append(iter, losses);
                progress.Iteration(iter, losses, Rate());

                if (iter % opt.Logger.SaveCheckpointFreq == 0 || iter == opt.TotalIter) Save();
                if (iter % opt.Val.ValFreq == 0 || iter == opt.TotalIter)
                {
                    var dir = run.ValImages(iter);
                    var v = model.Validate(iter, dir, opt.Val.SaveImg);
                    lastVal = v.Metrics;
                    valLog.Append(iter, v.Metrics);
                    Log($"validation @ {iter}: " + string.Join(", ", v.Metrics.Select(kv => $"{kv.Key} {kv.Value.ToString("G5", CultureInfo.InvariantCulture)}")));
                    foreach (var n in v.Notes) Log("  " + n);
                    if (best.Offer(iter, v.Metrics, model)) Log("  new " + best.Describe());
                }
            }
        }
        finally { progress.Stop(); }
        Log($"finished {iter} iterations, {Rate():F3} s/iteration");
        return new TrainOutcome(iter, false, Rate(), lastVal);

        double Rate() => itersTimed == 0 ? 0 : clock.Elapsed.TotalSeconds / itersTimed;
        void Save()
        {
            string dir = run.SaveCheckpoint(iter, nextSample, model, TrainOptionsLoader.Fingerprint(opt));
            lastSaved = iter;
            try { LossPlot.Write(lossLog, run.LossPlot); }
            catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException) { Log($"loss plot not written: {e.Message}"); }
            Log($"checkpoint {dir}");
        }
    }
}
