using Ridcp.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>The CHM weight w [K] of paper Eq. 7, built by the authors' recipe from code frequencies: w = |p1 − p2|
/// (official; p1 clear images through the HQ VQGAN, p2 hazy images through the dehazer with nearest matching), or
/// the signed p1 − p2 (our option: codes the hazy images over-use get negative weight, so a negative α then also
/// pushes tokens away from them instead of towards them).</summary>
public sealed class ChmWeight
{
    public ChmWeight(float[] values)
    {
        if (values.Length == 0) throw new ArgumentException("empty CHM weight");
        foreach (float v in values)
            if (!float.IsFinite(v)) throw new InvalidDataException("CHM weight holds a non-finite value");
        Values = values;
    }

    public float[] Values { get; }
    public int CodebookSize => Values.Length;

    public static ChmWeight FromFrequencies(ReadOnlySpan<double> p1, ReadOnlySpan<double> p2, bool signed = false)
    {
        if (p1.Length != p2.Length)
            throw new ArgumentException($"clear statistics have {p1.Length} codes, hazy statistics {p2.Length}");
        var w = new float[p1.Length];
        for (int k = 0; k < w.Length; k++)
        {
            double diff = p1[k] - p2[k];
            w[k] = (float)(signed ? diff : Math.Abs(diff));
        }
        return new ChmWeight(w);
    }

    public static ChmWeight FromStatistics(CodeStatistics clear, CodeStatistics hazy, bool signed = false)
    {
        if (clear.Tokens == 0) throw new InvalidDataException("the clear statistics count no tokens");
        if (hazy.Tokens == 0) throw new InvalidDataException("the hazy statistics count no tokens");
        return FromFrequencies(clear.Frequencies(), hazy.Frequencies(), signed);
    }

    /// <summary>The weight as a float32 tensor [K] (what VectorQuantizer.weight holds).</summary>
    public Tensor ToTensor() => tensor(Values, [Values.Length], ScalarType.Float32);

    /// <summary>Writes a bare float32 tensor [K] with torch.save's zip format, atomically: the form of the official
    /// weight_for_matching_dehazing_Flickr.pth, so torch.load in the official code reads ours.</summary>
    public void Save(string path)
    {
        using var t = ToTensor();
        CheckpointWriter.WriteTensor(path, t);
    }

    /// <summary>Reads a CHM weight file: a bare 1-D floating tensor (official or ours). Anything else (a state dict,
    /// a 2-D tensor, non-finite values) is refused with InvalidDataException.</summary>
    public static ChmWeight Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CHM weight file not found: {path}", path);
        Tensor t;
        try { t = TorchCheckpoint.ReadTensor(path); }
        catch (CheckpointFormatException e) { throw new InvalidDataException($"{path} is not a CHM weight file: {e.Message}"); }
        using (t)
        {
            if (t.dim() != 1 || !t.is_floating_point())
                throw new InvalidDataException($"{path}: a CHM weight is a 1-D float tensor, this one is {t.dtype} [{string.Join(",", t.shape)}]");
            using var f = t.to_type(ScalarType.Float32).contiguous();
            return new ChmWeight(f.data<float>().ToArray());
        }
    }

    /// <summary>Where `ridcp chm weight` keeps p1 beside the weight (WEIGHT.p1.json), for `dehaze --alpha auto`.</summary>
    public static string ClearStatisticsPath(string weightPath) => Path.ChangeExtension(weightPath, ".p1.json");
}
