using Ridcp.Training.Data;

namespace Ridcp.Training;

/// <summary>What the generic loop drives (BasicSR's "model"): a class that owns the nets, losses and optimisers of
/// one training stage.</summary>
public interface ITrainerModel : IDisposable
{
    /// <summary>One iteration: generator step, then discriminator step (official optimize_parameters). Returns the
    /// loss terms of this iteration as plain numbers (for losses.csv).</summary>
    IReadOnlyDictionary<string, double> OptimizeParameters(long iter, TrainBatch batch);

    void SetLearningRates(double lrG, double lrD);

    /// <summary>Validation: metric name -> value, plus log lines (e.g. the codebook usage report).</summary>
    ValidationResult Validate(long iter, string imageDir, bool saveImages);

    /// <summary>Writes the nets (PyTorch format), optimisers and RNG state into a folder.</summary>
    void Save(string dir);

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    void Load(string dir);

    /// <summary>The generator as a PyTorch-format file with its architecture options (for net_g_latest.pth).</summary>
    void SaveGenerator(string path);

    /// <summary>One-line descriptions for the run log (networks, parameter counts, perceptual loss used).</summary>
    IReadOnlyList<string> Describe();
}
