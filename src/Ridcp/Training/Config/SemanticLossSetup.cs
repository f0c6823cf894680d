namespace Ridcp.Training.Config;

/// <summary>Decides whether a run uses the stage-1 semantic loss (official network_g.use_semantic_loss with
/// train.semantic_opt). It needs torchvision's VGG19 weights, which are not shipped: the loss is on when a VGG19
/// file is given (path.pretrain_network_vgg, or --vgg-weights, which also sets use_semantic_loss) and neither
/// network_g.use_semantic_loss: false nor semantic_opt.loss_weight: 0 turns it off. The resolved options always
/// carry network_g.use_semantic_loss (stage 1), so RUN_DIR/config.yml says what ran and a resume builds the same
/// net.</summary>
public static class SemanticLossSetup
{
    public const string Key = "use_semantic_loss";

    /// <returns>The options with use_semantic_loss settled, and a log line when the config asked for something that
    /// does not happen (null otherwise; the trainer's own description says on/off and which file).</returns>
    public static (TrainOptions Options, string? Note) Resolve(TrainOptions opt, string? vggWeightsOverride)
    {
        if (opt.Stage != TrainStage.Vqgan)
        {
            if (vggWeightsOverride is not null) throw new ArgumentException("--vgg-weights is a stage-1 option (train vqgan): the semantic loss belongs to the HQ-prior pre-training");
            return (opt, null);
        }
        bool? asked = opt.SemanticLossAsked;
        if (vggWeightsOverride is not null)
        {
            opt = opt with { PretrainNetworkVgg = Path.GetFullPath(vggWeightsOverride) };
            asked = true;
        }

        string? note = null;
        bool on = opt.PretrainNetworkVgg is not null && asked != false && opt.Losses.Semantic > 0;
        if (!on && asked == true)
            note = opt.PretrainNetworkVgg is null
                ? $"semantic loss: off although network_g.{Key} is true: no VGG19 weights given (path.pretrain_network_vgg or --vgg-weights FILE)"
                : "semantic loss: off although asked for: semantic_opt.loss_weight is 0";
        else if (!on && opt.PretrainNetworkVgg is not null)
            note = $"semantic loss: off although VGG19 weights are given ({opt.PretrainNetworkVgg}): network_g.{Key} is false";

        return (opt with { NetworkG = opt.NetworkG with { UseSemanticLoss = on }, SemanticLossAsked = on }, note);
    }
}
