namespace Ridcp.Training;

/// <summary>state.json of a checkpoint: the last finished iteration, the data source's next sample and the fingerprint
/// of the options that produced it (<see cref="Config.TrainOptionsLoader.Fingerprint"/>; null in older files).</summary>
public sealed record CheckpointState(long Iter, long NextSample, string? Config = null);
