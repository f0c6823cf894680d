using CsCheck;
using Ridcp.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

/// <summary>Property (CsCheck): whatever state dict and metadata the writer is given, the reader gives back the same
/// keys, shapes, dtypes, bit-identical values and plain data. Complements the fuzzing of the reader (docs/fuzzing.md):
/// the fuzzer shows bad files are refused, this shows good files are not.</summary>
public class CheckpointRoundTripProperties : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    static readonly ScalarType[] Dtypes = [ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.Int64, ScalarType.Int32, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool];

    /// <summary>One tensor description: dtype, shape (0 to 3 dims of 0..5), seed of its values.</summary>
    static readonly Gen<(ScalarType Dtype, long[] Shape, int Seed)> TensorSpec =
        Gen.Select(Gen.Int[0, Dtypes.Length - 1], Gen.Long[0, 5].Array[0, 3], Gen.Int, (d, s, seed) => (Dtypes[d], s, seed));

    static readonly Gen<(ScalarType Dtype, long[] Shape, int Seed)[]> StateDictSpec = TensorSpec.Array[1, 6];

    static readonly Gen<(long Number, double Real, string Text, bool Flag)> Metadata =
        Gen.Select(Gen.Long, Gen.Double, Gen.String[Gen.Char.AlphaNumeric, 0, 12], Gen.Bool);

    static Tensor Make(ScalarType dtype, long[] shape, int seed)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        using var r = randn(shape, generator: g) * 100;
        return dtype == ScalarType.Bool ? r.gt(0) : r.to_type(dtype);
    }

    [Fact]
    public void Any_state_dict_with_metadata_reads_back_bit_identical()
    {
        Gen.Select(StateDictSpec, Metadata).Sample(sample =>
        {
            var (specs, meta) = sample;
            using var scope = NewDisposeScope();
            var sd = new Dictionary<string, Tensor>();
            for (int i = 0; i < specs.Length; i++) sd[$"layer{i}.weight"] = Make(specs[i].Dtype, specs[i].Shape, specs[i].Seed);
            var root = new Dictionary<string, object?>
            {
                ["params"] = sd,
                ["meta"] = new Dictionary<string, object?> { ["n"] = meta.Number, ["x"] = meta.Real, ["s"] = meta.Text, ["b"] = meta.Flag, ["l"] = new List<object?> { meta.Number, null } },
            };
            string path = tmp.File("rt.pth");
            CheckpointWriter.Write(path, root);

            using var ck = TorchCheckpoint.Load(path);
            var got = ck.RootDict.GetDict("params");
            Assert.Equal(sd.Keys, got.Keys);
            foreach (var (k, want) in sd)
            {
                var t = Assert.IsAssignableFrom<Tensor>(got[k]);
                Assert.Equal(want.dtype, t.dtype);
                Assert.Equal(want.shape, t.shape);
                Assert.Equal(want.contiguous().bytes.ToArray(), t.contiguous().bytes.ToArray());
            }
            var m = ck.RootDict.GetDict("meta");
            Assert.Equal(meta.Number, m["n"]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(meta.Real), BitConverter.DoubleToInt64Bits((double)m["x"]!));
            Assert.Equal(meta.Text, m["s"]);
            Assert.Equal(meta.Flag, m["b"]);
            Assert.Equal([meta.Number, null], Assert.IsAssignableFrom<IReadOnlyList<object?>>(m["l"]));
        }, iter: 60, threads: 1);
    }
}
