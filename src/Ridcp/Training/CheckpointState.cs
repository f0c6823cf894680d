namespace Ridcp.Training;

/// <summary>state.json of a checkpoint: the last finished iteration and the data source's next sample.</summary>
public sealed record CheckpointState(long Iter, long NextSample);
