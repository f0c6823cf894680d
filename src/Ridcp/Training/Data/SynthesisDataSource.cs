using Ridcp.Synthesis;

namespace Ridcp.Training.Data;

/// <summary>Stage-2 data: (clear, hazy) crops from the haze synthesis pair source (official degradation pipeline,
/// background threads; sample k depends only on the seed and k, so a resumed run starts at the checkpoint's sample).</summary>
public sealed class SynthesisDataSource : ITrainingDataSource
{
    private readonly SynthesisPairSource source;
    private readonly string description;

    public SynthesisDataSource(IReadOnlyList<PairSourceItem> items, int gtSize, bool useFlip, long seed, long startSample, int workers)
    {
        source = new SynthesisPairSource(items, SynthesisOptions.Official,
            new PairSourceOptions { GtSize = gtSize, UseFlip = useFlip, Seed = seed, StartSample = startSample, Workers = Math.Max(1, workers) });
        description = $"{items.Count} clear images with official haze synthesis, {gtSize}px crops, flip {useFlip}, {workers} worker(s)";
    }

    public TrainBatch Next(int batchSize)
    {
        var b = source.NextBatch(batchSize);
        var (clear, hazy) = b.ToTensors();
        return new TrainBatch(clear, hazy, b.FirstSample + batchSize);
    }

    public string Describe() => description;

    public void Dispose() => source.Dispose();
}
