namespace Ridcp.Training.Data;

/// <summary>Where a trainer gets its batches. Sample k of a run is a pure function of the run's seed and k, so a
/// resumed source (started at the checkpoint's next sample) continues exactly.</summary>
public interface ITrainingDataSource : IDisposable
{
    TrainBatch Next(int batchSize);
    string Describe();
}
