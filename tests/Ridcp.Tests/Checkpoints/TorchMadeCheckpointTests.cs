using System.Numerics;
using Ridcp.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

/// <summary>Fixtures/checkpoints/mixed_*.pth, written by torch 1.13 with make_torch_fixtures.py (values by formula):
/// every dtype a state dict uses, non-contiguous and offset views of one shared storage, 0-dim and empty tensors, a
/// Parameter, a module state dict (with _metadata), and plain metadata of every kind.</summary>
public class TorchMadeCheckpointTests
{
    static string PathOf(string file) => Fixture.File("checkpoints", file);

    [Theory]
    [InlineData("mixed_zip.pth", CheckpointFileFormat.Zip)]
    [InlineData("mixed_legacy.pth", CheckpointFileFormat.Legacy)]
    public void Views_keep_their_strides_offsets_and_shared_storage(string file, CheckpointFileFormat format)
    {
        using var scope = NewDisposeScope();
        using var ck = TorchCheckpoint.Load(PathOf(file));
        Assert.Equal(format, ck.Format);
        var root = ck.RootDict;
        var expectedBase = arange(24, dtype: ScalarType.Float32).reshape(4, 6) / 8;
        var b = root.GetTensor("base");
        var t = root.GetTensor("transposed");
        var w = root.GetTensor("window");
        Assert.True(b.SameAs(expectedBase));
        Assert.True(t.SameAs(expectedBase.t()));
        Assert.Equal([1L, 6], t.stride());
        Assert.True(w.SameAs(expectedBase[1..3, 2..5]));
        Assert.Equal([6L, 1], w.stride());
        Assert.Equal(8, w.storage_offset());

        b[1, 2] = tensor(99f);   // one storage, as in Python
        Assert.Equal(99f, w[0, 0].item<float>());
        Assert.Equal(99f, t[2, 1].item<float>());
    }

    [Theory]
    [InlineData("mixed_zip.pth")]
    [InlineData("mixed_legacy.pth")]
    public void Every_state_dict_dtype_is_read_with_exact_values(string file)
    {
        using var scope = NewDisposeScope();
        using var ck = TorchCheckpoint.Load(PathOf(file));
        var root = ck.RootDict;
        var quarters = arange(10, dtype: ScalarType.Float32) / 4 - 1;
        AssertTensor(root.GetTensor("f16"), quarters.to_type(ScalarType.Float16), ScalarType.Float16);
        AssertTensor(root.GetTensor("bf16"), quarters.to_type(ScalarType.BFloat16), ScalarType.BFloat16);
        AssertTensor(root.GetTensor("f64"), tensor(Enumerable.Range(0, 5).Select(i => i / 3.0).ToArray()), ScalarType.Float64);
        AssertTensor(root.GetTensor("i64"), tensor(Enumerable.Range(0, 6).Select(i => (i - 3) * 1_000_000_000_000L).ToArray()), ScalarType.Int64);
        AssertTensor(root.GetTensor("i32"), tensor(new[] { -7, 0, 7, int.MaxValue }), ScalarType.Int32);
        AssertTensor(root.GetTensor("u8"), tensor(new byte[] { 0, 1, 255 }), ScalarType.Byte);
        AssertTensor(root.GetTensor("flags"), tensor(new[] { true, false, true }), ScalarType.Bool);
        AssertTensor(root.GetTensor("param"), full(2, 2, 1.5f), ScalarType.Float32);

        var scalar = root.GetTensor("scalar");
        Assert.Empty(scalar.shape);
        Assert.Equal(3.5f, scalar.item<float>());
        Assert.Equal([0L, 3], root.GetTensor("empty").shape);
    }

    [Theory]
    [InlineData("mixed_zip.pth")]
    [InlineData("mixed_legacy.pth")]
    public void Plain_metadata_comes_back_as_python_wrote_it(string file)
    {
        using var scope = NewDisposeScope();
        using var ck = TorchCheckpoint.Load(PathOf(file));
        var meta = ck.RootDict.GetDict("meta");
        Assert.Equal("ridcp", meta.GetString("name"));
        Assert.Equal(7, meta.GetInt64("n"));
        Assert.Equal(BigInteger.Pow(2, 70), meta["big"]);
        Assert.Equal(-5, meta.GetInt64("neg"));
        Assert.Equal(0.25, meta.GetDouble("x"));
        Assert.True(meta.GetBoolean("flag"));
        Assert.Null(meta["none"]);
        Assert.Equal(new object?[] { 1L, 2.5, "a" }, meta.GetList("list"));
        Assert.Equal(new object?[] { 1L, 2L }, meta.GetList("tuple"));
        Assert.Equal(new byte[] { 0, 255, (byte)'a', (byte)'b' }, meta["bytes"]);
        Assert.Equal(new object?[] { 2L, 3L }, meta.GetList("size"));
        Assert.Equal(new object?[] { 3L }, meta.GetList("set"));
        Assert.True(meta.GetDict("odict").IsOrderedDict);
        Assert.Equal(1, meta.GetDict("odict").GetInt64("a"));
        Assert.Equal("one", meta.GetDict("int_keys").GetString("1"));
    }

    [Theory]
    [InlineData("mixed_zip.pth")]
    [InlineData("mixed_legacy.pth")]
    public void A_module_state_dict_with_metadata_and_batchnorm_buffers_is_read(string file)
    {
        using var scope = NewDisposeScope();
        using var ck = TorchCheckpoint.Load(PathOf(file));
        var sd = ck.RootDict.GetDict("module_state");
        Assert.True(sd.IsOrderedDict);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"], sd.Keys);
        Assert.True(sd.GetTensor("0.weight").SameAs(arange(6, dtype: ScalarType.Float32).reshape(3, 2, 1, 1) - 2));
        Assert.True(sd.GetTensor("1.running_mean").SameAs(tensor(new[] { 1f, 2f, 3f })));
        var batches = sd.GetTensor("1.num_batches_tracked");
        Assert.Equal(ScalarType.Int64, batches.dtype);
        Assert.Equal(0L, batches.item<long>());
    }

    [Fact]
    public void Metadata_of_the_wrong_type_is_named_in_the_error()
    {
        using var scope = NewDisposeScope();
        using var ck = TorchCheckpoint.Load(PathOf("mixed_zip.pth"));
        var e = Assert.Throws<CheckpointFormatException>(() => ck.RootDict.GetDict("meta").GetInt64("name"));
        Assert.Contains("'name' is a str, expected int", e.Message);
        Assert.Throws<KeyNotFoundException>(() => ck.RootDict.GetDict("nothing"));
    }

    static void AssertTensor(Tensor actual, Tensor expected, ScalarType dtype)
    {
        Assert.Equal(dtype, actual.dtype);
        Assert.True(actual.SameAs(expected), $"{actual} != {expected}");
    }
}
