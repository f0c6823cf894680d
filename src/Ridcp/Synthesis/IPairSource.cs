namespace Ridcp.Synthesis;

/// <summary>Where the trainer pulls its (clear, hazy) batches from.</summary>
public interface IPairSource : IDisposable
{
    /// <summary>The next <paramref name="batchSize"/> pairs, in sample order.</summary>
    PairBatch NextBatch(int batchSize);
    /// <summary>Global index of the next sample NextBatch will return; store it in a checkpoint to resume.</summary>
    long NextSample { get; }
}
