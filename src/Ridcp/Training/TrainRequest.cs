using Ridcp.Training.Config;

namespace Ridcp.Training;

/// <summary>What `ridcp train` asks for. <see cref="ConfigPath"/> may be null on resume (RUN_DIR/config.yml is
/// used); <see cref="DataRoot"/> replaces the config's data_root; <see cref="Iterations"/> replaces total_iter;
/// <see cref="HqWeights"/> replaces path.pretrain_network_hq (stage 2); <see cref="VggWeights"/> replaces
/// path.pretrain_network_vgg and turns the semantic loss on (stage 1); <see cref="Seed"/> replaces manual_seed
/// (a new run only: a resume continues with the run's own seed).</summary>
public sealed record TrainRequest(TrainStage Stage, string? ConfigPath, string OutDir, bool Resume = false,
    string? DataRoot = null, long? Iterations = null, string? HqWeights = null, string Device = "cpu", string? VggWeights = null,
    long? Seed = null);
