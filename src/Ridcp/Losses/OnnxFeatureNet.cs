using System.Text.Json;
using Ridcp.Losses.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ridcp.Losses;

/// <summary>A frozen convolutional feature extractor rebuilt from an ONNX graph made of Conv, BatchNormalization,
/// Relu, MaxPool and Add nodes (the ResNet18 of ML.NET's DnnImageFeaturizer, exported by CNTK). Each Conv is followed
/// by a BatchNormalization in that graph; the pair is folded into one conv with bias at conversion
/// (w' = w * gamma / sqrt(var + eps), b' = beta - mean * gamma / sqrt(var + eps)). The graph stops before its global
/// average pool. The feature taps are the activations at the end of each resolution stage: the first Relu (stem,
/// stride 2), and every Relu whose output feeds a stride-2 conv or the final pool.</summary>
public sealed class OnnxFeatureNet : nn.Module<Tensor, Tensor[]>
{
    /// <summary>One interpreted node. Conv: Index into convs, Pads = [top, left, bottom, right].</summary>
    public sealed record Op(string Kind, string[] Inputs, string Output, int Index, long Stride, long[] Pads, long Kernel);

    /// <summary>Serialised description: ops, conv shapes, input name, taps, BGR mean (0..255).</summary>
    public sealed record Description(List<Op> Ops, List<long[]> ConvShapes, string Input, List<string> Taps, float[] MeanBgr);

    private readonly ModuleList<Conv2d> convs;
    private readonly Description desc;

    public IReadOnlyList<string> Taps => desc.Taps;

    private OnnxFeatureNet(Description desc) : base(nameof(OnnxFeatureNet))
    {
        this.desc = desc;
        convs = new ModuleList<Conv2d>();
        foreach (var s in desc.ConvShapes)
            convs.Add(nn.Conv2d(s[1], s[0], (s[2], s[3]), stride: (1, 1), padding: (0, 0), bias: true));
        RegisterComponents();
        foreach (var p in parameters()) p.requires_grad = false;
        eval();
    }

    /// <summary>Input: RGB in [0,1], NCHW. Output: the tap activations, shallow to deep.</summary>
    public override Tensor[] forward(Tensor rgb01)
    {
        using var scope = NewDisposeScope();
        // The featurizer's preprocessing graph (ResNetPreprocess.onnx): BGR channel order, 0..255, minus a mean image
        // (here its per-channel average, so any input size works).
        var bgr = rgb01.flip(1) * 255f;
        var mean = tensor(desc.MeanBgr, [1, 3, 1, 1], device: rgb01.device);
        var values = new Dictionary<string, Tensor> { [desc.Input] = bgr - mean };
        var taps = new List<Tensor>();
        var tapSet = desc.Taps.ToHashSet();
        foreach (var op in desc.Ops)
        {
            Tensor y = op.Kind switch
            {
                "Conv" => ConvForward(op, values[op.Inputs[0]]),
                "Relu" => F.relu(values[op.Inputs[0]]),
                "Add" => values[op.Inputs[0]] + values[op.Inputs[1]],
                "MaxPool" => F.max_pool2d(
                    F.pad(values[op.Inputs[0]], [op.Pads[1], op.Pads[3], op.Pads[0], op.Pads[2]], PaddingModes.Constant, float.NegativeInfinity),
                    [op.Kernel, op.Kernel], [op.Stride, op.Stride]),
                _ => throw new InvalidOperationException($"unsupported op {op.Kind}"),
            };
            values[op.Output] = y;
            if (tapSet.Contains(op.Output)) taps.Add(y);
            if (taps.Count == tapSet.Count) break;
        }
        foreach (var t in taps) t.MoveToOuterDisposeScope();
        return taps.ToArray();
    }

    /// <summary>A copy that computes only the first <paramref name="tapCount"/> taps: the ops after the last kept tap
    /// and their convs are dropped (for ResNet18 with 3 of 5 taps: a quarter of the parameters, a third less work).</summary>
    public OnnxFeatureNet Truncated(int tapCount)
    {
        if (tapCount < 1 || tapCount > desc.Taps.Count)
            throw new ArgumentOutOfRangeException(nameof(tapCount), $"1..{desc.Taps.Count}");
        var taps = desc.Taps.Take(tapCount).ToList();
        int last = desc.Ops.FindIndex(o => o.Output == taps[^1]);
        var ops = new List<Op>();
        var shapes = new List<long[]>();
        var keptConvs = new List<int>();
        foreach (var op in desc.Ops.Take(last + 1))
        {
            if (op.Kind != "Conv") { ops.Add(op); continue; }
            ops.Add(op with { Index = shapes.Count });
            shapes.Add(desc.ConvShapes[op.Index]);
            keptConvs.Add(op.Index);
        }
        var net = new OnnxFeatureNet(new Description(ops, shapes, desc.Input, taps, desc.MeanBgr));
        using (no_grad())
            for (int i = 0; i < keptConvs.Count; i++)
            {
                net.convs[i].weight!.copy_(convs[keptConvs[i]].weight!);
                net.convs[i].bias!.copy_(convs[keptConvs[i]].bias!);
            }
        return net;
    }

    private Tensor ConvForward(Op op, Tensor x)
    {
        var p = op.Pads;
        if (p.Any(v => v != 0)) x = F.pad(x, [p[1], p[3], p[0], p[2]]);
        var c = convs[op.Index];
        return F.conv2d(x, c.weight!, c.bias, strides: [op.Stride, op.Stride]);
    }

    /// <summary>Builds the net from the ONNX model and its preprocessing model (for the mean), folding BN.</summary>
    public static OnnxFeatureNet FromOnnx(string modelPath, string? preprocessPath)
    {
        var model = OnnxModel.Read(modelPath);
        float[] meanBgr = [0f, 0f, 0f];
        if (preprocessPath is not null && File.Exists(preprocessPath))
        {
            var prep = OnnxModel.Read(preprocessPath);
            var meanImg = prep.Initializers.Values.FirstOrDefault(t => t.Dims.Length == 4 && t.Dims[1] == 3)
                ?? throw new InvalidDataException($"{preprocessPath}: no [1,3,H,W] mean image");
            long plane = meanImg.Dims[2] * meanImg.Dims[3];
            for (int c = 0; c < 3; c++)
                meanBgr[c] = (float)meanImg.Values.Skip((int)(c * plane)).Take((int)plane).Average(v => (double)v);
        }

        var consumers = new Dictionary<string, List<OnnxNode>>();
        foreach (var n in model.Nodes)
            foreach (var i in n.Inputs)
                (consumers.TryGetValue(i, out var l) ? l : consumers[i] = []).Add(n);

        var ops = new List<Op>();
        var shapes = new List<long[]>();
        var weights = new List<(float[] W, float[] B)>();
        var bnFolded = new Dictionary<string, string>(); // BN output -> conv output
        var taps = new List<string>();
        string input = model.Inputs.FirstOrDefault(i => !model.Initializers.ContainsKey(i)) ?? throw new InvalidDataException("ONNX graph has no input");
        bool sawFirstRelu = false;
        foreach (var n in model.Nodes)
        {
            string Resolve(string name) => bnFolded.TryGetValue(name, out var s) ? s : name;
            switch (n.OpType)
            {
                case "Conv":
                {
                    var w = model.Initializers[n.Inputs[1]];
                    if (n.Ints.TryGetValue("group", out var g) && g[0] != 1) throw new InvalidDataException("grouped conv not supported");
                    var bn = consumers.GetValueOrDefault(n.Outputs[0])?.SingleOrDefault(c => c.OpType == "BatchNormalization")
                        ?? throw new InvalidDataException($"conv {n.Outputs[0]} is not followed by a BatchNormalization");
                    var (fw, fb) = FoldBatchNorm(w, n.Inputs.Count > 2 ? model.Initializers[n.Inputs[2]].Values : null, bn, model);
                    long stride = n.Ints.TryGetValue("strides", out var st) ? st[0] : 1;
                    long[] pads = n.Ints.TryGetValue("pads", out var pd) ? [pd[0], pd[1], pd[2], pd[3]] : [0, 0, 0, 0];
                    ops.Add(new Op("Conv", [Resolve(n.Inputs[0])], n.Outputs[0], shapes.Count, stride, pads, w.Dims[2]));
                    shapes.Add(w.Dims);
                    weights.Add((fw, fb));
                    bnFolded[bn.Outputs[0]] = n.Outputs[0];
                    if (stride == 2 && taps.Count > 0 && ops.Count > 1)
                    {
                        // A stride-2 conv starts a new stage: its input is the end of the previous one.
                        string src = Resolve(n.Inputs[0]);
                        if (!taps.Contains(src)) taps.Add(src);
                    }
                    break;
                }
                case "BatchNormalization":
                    if (!bnFolded.ContainsKey(n.Outputs[0])) throw new InvalidDataException("BatchNormalization without a preceding conv");
                    break;
                case "Relu":
                    ops.Add(new Op("Relu", [Resolve(n.Inputs[0])], n.Outputs[0], -1, 1, [0, 0, 0, 0], 0));
                    if (!sawFirstRelu) { taps.Add(n.Outputs[0]); sawFirstRelu = true; }
                    break;
                case "Add":
                    ops.Add(new Op("Add", [Resolve(n.Inputs[0]), Resolve(n.Inputs[1])], n.Outputs[0], -1, 1, [0, 0, 0, 0], 0));
                    break;
                case "MaxPool":
                {
                    long k = n.Ints["kernel_shape"][0];
                    long stride = n.Ints.TryGetValue("strides", out var st) ? st[0] : 1;
                    long[] pads = n.Ints.TryGetValue("pads", out var pd) ? [pd[0], pd[1], pd[2], pd[3]] : [0, 0, 0, 0];
                    ops.Add(new Op("MaxPool", [Resolve(n.Inputs[0])], n.Outputs[0], -1, stride, pads, k));
                    break;
                }
                case "AveragePool" or "GlobalAveragePool":
                {
                    string src = Resolve(n.Inputs[0]);
                    if (!taps.Contains(src)) taps.Add(src);
                    goto done;
                }
                default:
                    throw new InvalidDataException($"ONNX op {n.OpType} is not supported by the feature extractor");
            }
        }
        done:
        var desc = new Description(ops, shapes, input, taps, meanBgr);
        var net = new OnnxFeatureNet(desc);
        using (no_grad())
            for (int i = 0; i < weights.Count; i++)
            {
                net.convs[i].weight!.copy_(tensor(weights[i].W, shapes[i]));
                net.convs[i].bias!.copy_(tensor(weights[i].B, [shapes[i][0]]));
            }
        return net;
    }

    private static (float[] W, float[] B) FoldBatchNorm(OnnxTensor w, float[]? convBias, OnnxNode bn, OnnxModel m)
    {
        var gamma = m.Initializers[bn.Inputs[1]].Values;
        var beta = m.Initializers[bn.Inputs[2]].Values;
        var mean = m.Initializers[bn.Inputs[3]].Values;
        var variance = m.Initializers[bn.Inputs[4]].Values;
        double eps = bn.Floats.TryGetValue("epsilon", out var e) ? e : 1e-5;
        long outCh = w.Dims[0];
        long per = w.Values.Length / outCh;
        var fw = new float[w.Values.Length];
        var fb = new float[outCh];
        for (long o = 0; o < outCh; o++)
        {
            double s = gamma[o] / Math.Sqrt(variance[o] + eps);
            for (long k = 0; k < per; k++) fw[o * per + k] = (float)(w.Values[o * per + k] * s);
            fb[o] = (float)(beta[o] + ((convBias?[o] ?? 0f) - mean[o]) * s);
        }
        return (fw, fb);
    }

    /// <summary>Saves the converted net: weights in TorchSharp's format and the op description as JSON beside it.</summary>
    public void SaveCache(string weightsPath)
    {
        Ridcp.Core.AtomicFile.WriteAllText(weightsPath + ".json", JsonSerializer.Serialize(desc));
        Ridcp.Core.AtomicFile.Write(weightsPath, s => { using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true); save(w); });
    }

    public static OnnxFeatureNet LoadCache(string weightsPath)
    {
        var desc = JsonSerializer.Deserialize<Description>(File.ReadAllText(weightsPath + ".json"))
            ?? throw new InvalidDataException($"{weightsPath}.json is empty");
        var net = new OnnxFeatureNet(desc);
        using var fs = File.OpenRead(weightsPath);
        net.load(fs, strict: true);
        foreach (var p in net.parameters()) p.requires_grad = false;
        return net;
    }
}
