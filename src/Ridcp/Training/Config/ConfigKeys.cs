namespace Ridcp.Training.Config;

/// <summary>Every key a training config may hold, checked before any value is read: an unknown key (a typo such as
/// <c>totl_iter</c>, which would otherwise train silently with the default) is refused with the nearest known key as a
/// hint; keys of the official BasicSR/RIDCP options files that this trainer knowingly does not use are accepted and
/// returned, so the run log can list them once.</summary>
public static class ConfigKeys
{
    /// <summary>A level of the schema. <c>Free</c>: any child key (validated elsewhere, e.g. network_g by
    /// VQWeightDehazeNetOptions); <c>Ignored</c>: an official key (with whatever below it) that is accepted and unused.</summary>
    sealed record Node(IReadOnlyDictionary<string, Node>? Children = null, bool Free = false, bool Ignored = false);

    static readonly Node Leaf = new();
    static readonly Node Unused = new(Ignored: true);
    static Node Map(params (string Key, Node Node)[] children) => new(children.ToDictionary(c => c.Key, c => c.Node));
    static Node Keys(params string[] leaves) => Map(leaves.Select(k => (k, Leaf)).ToArray());
    static Node With(Node node, params string[] ignored) =>
        new(node.Children!.Concat(ignored.Select(k => new KeyValuePair<string, Node>(k, Unused))).ToDictionary());

    static readonly Node Optim = With(Keys("type", "lr", "weight_decay", "betas"), "eps", "amsgrad");

    static readonly Node Schema = With(Map(
        ("name", Leaf), ("manual_seed", Leaf),
        ("stage", Leaf),   // written into RUN_DIR/config.yml; the command names the stage
        ("datasets", With(Map(
            ("data_root", Leaf),
            ("train", With(Keys("dataroot_gt", "dataroot_depth", "depth_prior", "gt_size", "max_side", "use_resize_crop", "use_flip",
                                "use_rot", "batch_size_per_gpu", "num_worker_per_gpu"),
                "name", "type", "io_backend", "dataroot_lq", "dataset_enlarge_ratio", "prefetch_mode", "use_shuffle", "pin_memory",
                "beta_range", "A_range", "color_p", "color_range", "mean", "std", "phase", "scale")),
            ("val", With(Keys("num_val", "val_size", "val_list", "holdout_list"), "name", "type", "io_backend", "dataroot_gt", "dataroot_lq", "gt_size", "phase"))),
            "test")),
        ("network_g", new Node(Free: true)),
        ("network_d", Keys("type", "num_in_ch", "num_feat", "skip_connection")),
        ("path", With(Keys("pretrain_network_hq", "pretrain_network_vgg"),
            "pretrain_network_g", "pretrain_network_d", "strict_load", "strict_load_g", "strict_load_d", "resume_state",
            "param_key_g", "param_key_d", "experiments_root", "models", "training_states", "log", "visualization")),
        ("train", With(Map(
            ("optim_g", Optim), ("optim_d", Optim),
            ("scheduler", Keys("type", "milestones", "gamma")),
            ("total_iter", Leaf),
            ("pixel_opt", With(Keys("type", "loss_weight"), "reduction")),
            ("perceptual_opt", With(Keys("type", "loss_weight", "lpips_vgg", "lpips_lin", "layers"),
                "layer_weights", "vgg_type", "use_input_norm", "range_norm", "perceptual_weight", "style_weight", "criterion", "reduction")),
            ("gan_opt", With(Keys("type", "gan_type", "loss_weight"), "real_label_val", "fake_label_val")),
            ("codebook_opt", Keys("loss_weight")),
            ("semantic_opt", Keys("loss_weight")),
            ("net_d_iters", Leaf), ("net_d_init_iters", Leaf),
            ("dead_code_reinit", Keys("enabled", "every")),
            ("threads", Leaf)),
            "warmup_iter", "ema_decay", "use_grad_clip", "contrast_opt")),
        ("val", With(Keys("val_freq", "save_img", "num_img", "crop_border", "test_y_channel", "best_metric"), "suffix", "key_metric", "metrics", "pbar")),
        ("logger", With(Keys("print_freq", "save_checkpoint_freq"), "use_tb_logger", "wandb"))),
        "model_type", "scale", "num_gpu", "dist_params", "dist", "is_train", "rank", "world_size", "auto_resume");

    /// <summary>Throws <see cref="FormatException"/> for the first unknown key (with a "did you mean" hint) and
    /// returns the dotted paths of the official keys that are present but not used.</summary>
    public static IReadOnlyList<string> Check(Dictionary<string, object?> root, string source)
    {
        var ignored = new List<string>();
        Walk(root, Schema, "", source, ignored);
        return ignored;
    }

    static void Walk(Dictionary<string, object?> map, Node node, string prefix, string source, List<string> ignored)
    {
        foreach (var (key, value) in map)
        {
            string path = prefix + key;
            if (node.Children is null || !node.Children.TryGetValue(key, out var child))
            {
                string where = prefix == "" ? "at the top level" : $"under '{prefix.TrimEnd('.')}'";
                string? hint = node.Children is null ? null : Nearest(key, node.Children.Keys);
                throw new FormatException($"{source}: unknown key '{path}' {where}{(hint is null ? "" : $" (did you mean '{prefix}{hint}'?)")}");
            }
            if (child.Ignored) { ignored.Add(path); continue; }
            if (child.Free) continue;
            if (child.Children is not null)
            {
                if (value is Dictionary<string, object?> sub) Walk(sub, child, path + ".", source, ignored);
                else if (value is not null) throw new FormatException($"{source}: '{path}' must be a mapping of keys, got '{value}'");
            }
            else if (value is Dictionary<string, object?>)
                throw new FormatException($"{source}: '{path}' takes a value, not a mapping");
        }
    }

    /// <summary>The known key closest to <paramref name="key"/> by edit distance, if it is close enough to be a typo.</summary>
    static string? Nearest(string key, IEnumerable<string> known)
    {
        var best = known.Select(k => (Key: k, Distance: Distance(key.ToLowerInvariant(), k.ToLowerInvariant())))
                        .OrderBy(x => x.Distance).ThenBy(x => x.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, key.Length / 3) ? best.Key : null;
    }

    static int Distance(string a, string b)
    {
        var prev = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var cur = new int[b.Length + 1];
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            prev = cur;
        }
        return prev[b.Length];
    }
}
