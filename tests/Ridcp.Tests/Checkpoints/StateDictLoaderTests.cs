using Ridcp.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

public class StateDictLoaderTests
{
    [Fact]
    public void The_module_state_dict_has_the_persistent_buffer_but_not_the_scratch_one()
    {
        using var net = new TinyNet();
        Assert.Equal(["conv.bias", "conv.weight", "fc.bias", "fc.weight", "index"], net.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_matching_state_dict_loads_parameters_and_buffers()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        var report = StateDictLoader.Load(net, TinyNet.StateDictFilledWith(0.5f));
        Assert.True(report.IsExact);
        Assert.Equal(5, report.Loaded.Count);
        Assert.Equal("all 5 keys matched", report.Describe());
        var sd = net.state_dict();
        Assert.True(sd["fc.weight"].SameAs(full(4, 3, 0.5f)));
        Assert.True(sd["index"].SameAs(arange(10, 14, dtype: ScalarType.Int64)));
        Assert.True(sd["fc.weight"].requires_grad);   // still a trainable parameter
    }

    [Fact]
    public void Strict_loading_names_every_missing_unexpected_and_misshapen_key_and_changes_nothing()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        var before = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var sd = TinyNet.StateDictFilledWith(0.5f);
        sd.Remove("conv.bias");
        sd.Remove("index");
        sd["conv.bias_renamed"] = full(3, 0.5f);
        sd["fc.weight"] = full(4, 4, 0.5f);

        var e = Assert.Throws<CheckpointMismatchException>(() => StateDictLoader.Load(net, sd));
        Assert.Contains("conv.bias,", e.Message);
        Assert.Contains("index", e.Message);
        Assert.Contains("conv.bias_renamed", e.Message);
        Assert.Contains("fc.weight (checkpoint [4, 4], model [4, 3])", e.Message);
        Assert.Equal(["conv.bias", "index"], e.Report.Missing.Order());
        Assert.Equal(["conv.bias_renamed"], e.Report.Unexpected);
        Assert.Equal("fc.weight", Assert.Single(e.Report.ShapeMismatches).Key);
        foreach (var (k, v) in net.state_dict()) Assert.True(v.SameAs(before[k]), k + " changed on a failed load");
    }

    [Fact]
    public void Non_strict_loading_reports_missing_and_unexpected_keys_and_loads_the_rest()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        var sd = TinyNet.StateDictFilledWith(0.5f);
        sd.Remove("index");
        sd["extra.weight"] = ones(1);
        var report = StateDictLoader.Load(net, sd, strict: false);
        Assert.Equal(["index"], report.Missing);
        Assert.Equal(["extra.weight"], report.Unexpected);
        Assert.Contains("1 missing key (in the model, not in the checkpoint): index", report.Describe());
        Assert.True(net.state_dict()["conv.bias"].SameAs(full(3, 0.5f)));
        Assert.True(net.state_dict()["index"].SameAs(arange(4, dtype: ScalarType.Int64)));   // kept its own value
    }

    [Fact]
    public void A_shape_mismatch_fails_even_when_not_strict()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        var sd = TinyNet.StateDictFilledWith(0.5f);
        sd["conv.weight"] = full(3, 2, 3, 3, 0.5f);
        var e = Assert.Throws<CheckpointMismatchException>(() => StateDictLoader.Load(net, sd, strict: false));
        Assert.Contains("conv.weight (checkpoint [3, 2, 3, 3], model [3, 2, 1, 1])", e.Message);
        Assert.False(net.state_dict()["conv.bias"].SameAs(full(3, 0.5f)));   // nothing copied
    }

    [Fact]
    public void Values_of_another_dtype_are_converted_and_reported()
    {
        using var scope = NewDisposeScope();
        using var net = new TinyNet();
        var sd = TinyNet.StateDictFilledWith(0.5f);
        sd["fc.weight"] = full(4, 3, 0.25, dtype: ScalarType.Float64);
        sd["conv.bias"] = full(3, 1.5f).to_type(ScalarType.Float16);
        var report = StateDictLoader.Load(net, sd);
        Assert.Equal(2, report.DtypeConversions.Count);
        Assert.Equal(ScalarType.Float32, net.state_dict()["fc.weight"].dtype);
        Assert.True(net.state_dict()["fc.weight"].SameAs(full(4, 3, 0.25f)));
        Assert.True(net.state_dict()["conv.bias"].SameAs(full(3, 1.5f)));
    }

    [Fact]
    public void A_checkpoint_written_from_a_module_loads_into_a_fresh_one()
    {
        using var scope = NewDisposeScope();
        using var tmp = new TempFolder();
        using var a = new TinyNet();
        StateDictLoader.Load(a, TinyNet.StateDictFilledWith(0.75f));
        string path = tmp.File("tiny.pth");
        CheckpointWriter.Write(path, new CheckpointDict { ["params"] = a.state_dict() });

        using var b = new TinyNet();
        using var sd = TorchCheckpoint.ReadStateDict(path);
        Assert.True(StateDictLoader.Load(b, sd).IsExact);
        foreach (var (k, v) in a.state_dict()) Assert.True(b.state_dict()[k].SameAs(v), k);

        using var c = new TinyNet();
        var report = StateDictLoader.Load(c, path, out var notes, preferEma: true);
        Assert.True(report.IsExact);
        Assert.Contains(notes, n => n.Contains("no params_ema"));
        foreach (var (k, v) in a.state_dict()) Assert.True(c.state_dict()[k].SameAs(v), k);
    }
}
