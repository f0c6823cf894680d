using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Ridcp.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

public sealed class CheckpointWriterTests : IDisposable
{
    readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    static Dictionary<string, Tensor> SampleStateDict() => new()
    {
        ["conv.weight"] = arange(24, dtype: ScalarType.Float32).reshape(4, 6).t(),   // non-contiguous on purpose
        ["half"] = tensor(new[] { -1.5f, 0.25f, 3f }).to_type(ScalarType.Float16),
        ["brain"] = tensor(new[] { -1.5f, 0.25f, 3f }).to_type(ScalarType.BFloat16),
        ["double"] = tensor(new[] { Math.PI, -1e300 }),
        ["index"] = tensor(new[] { long.MinValue, 0L, long.MaxValue }),
        ["int"] = tensor(new[] { int.MinValue, 5 }),
        ["bytes"] = tensor(new byte[] { 0, 7, 255 }),
        ["mask"] = tensor(new[] { false, true }),
        ["scalar"] = tensor(2.5f),
        ["empty"] = zeros(0, 4),
    };

    [Fact]
    public void A_training_checkpoint_round_trips_with_weights_metadata_and_optimizer_state()
    {
        using var scope = NewDisposeScope();
        var sd = SampleStateDict();
        var arch = new CheckpointDict { ["norm_type"] = "gn", ["embed_dim"] = 256L, ["alpha"] = -21.25, ["use_weight"] = true, ["codebook"] = new object[] { 64L, 1024L, 512L } };
        var root = new CheckpointDict
        {
            ["params"] = sd,
            ["ridcp_arch"] = arch,
            ["iter"] = 1000,
            ["lr"] = 1e-4,
            ["resume"] = null,
            ["blob"] = new byte[] { 0, 200, 65 },
            ["optimizer"] = new Dictionary<string, object?> { ["state"] = new CheckpointDict { ["0"] = new CheckpointDict { ["exp_avg"] = ones(3), ["step"] = 7L } } },
        };
        string path = _tmp.File("train.pth");
        CheckpointWriter.Write(path, root);

        using var ck = TorchCheckpoint.Load(path);
        var back = ck.RootDict;
        Assert.Equal(["params", "ridcp_arch", "iter", "lr", "resume", "blob", "optimizer"], back.Keys);
        var p = back.GetDict("params");
        Assert.True(p.IsOrderedDict);
        Assert.Equal(sd.Keys, p.Keys);
        foreach (var (k, v) in sd)
        {
            Assert.Equal(v.dtype, p.GetTensor(k).dtype);
            Assert.Equal(v.shape, p.GetTensor(k).shape);
            Assert.True(p.GetTensor(k).SameAs(v), k);
        }
        var a = back.GetDict("ridcp_arch");
        Assert.Equal("gn", a.GetString("norm_type"));
        Assert.Equal(256, a.GetInt64("embed_dim"));
        Assert.Equal(-21.25, a.GetDouble("alpha"));
        Assert.True(a.GetBoolean("use_weight"));
        Assert.Equal(new object?[] { 64L, 1024L, 512L }, a.GetList("codebook"));
        Assert.Equal(1000, back.GetInt64("iter"));
        Assert.Equal(1e-4, back.GetDouble("lr"));
        Assert.Null(back["resume"]);
        Assert.Equal(new byte[] { 0, 200, 65 }, back["blob"]);
        var state = back.GetDict("optimizer").GetDict("state").GetDict("0");
        Assert.True(state.GetTensor("exp_avg").SameAs(ones(3)));
        Assert.Equal(7, state.GetInt64("step"));

        // the caller's tensors are untouched and still usable
        Assert.Equal(23f, sd["conv.weight"][5, 3].item<float>());
    }

    [Fact]
    public void The_zip_layout_is_the_one_torch_writes()
    {
        using var scope = NewDisposeScope();
        string path = _tmp.File("layout.pth");
        CheckpointWriter.WriteStateDict(path, SampleStateDict());

        using (var zip = ZipFile.OpenRead(path))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Equal("archive/data.pkl", names[0]);
            Assert.Equal("archive/byteorder", names[1]);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"archive/data/{i}"), names.Skip(2).Take(10));
            Assert.Equal("archive/version", names[^1]);
            Assert.Equal("little", Read(zip, "archive/byteorder"));
            Assert.Equal("3", Read(zip, "archive/version").Trim());
            Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));   // stored
        }

        // every entry's data starts on a 64-byte boundary (local header + name + "FB" padding field)
        byte[] file = File.ReadAllBytes(path);
        int pos = 0, count = 0;
        while (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos)) == 0x04034b50)
        {
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos + 8)));   // method: stored
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 18));
            int data = pos + 30 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos + 28));
            Assert.Equal(0, data % 64);
            pos = data + size;
            count++;
        }
        Assert.Equal(13, count);
    }

    [Fact]
    public void The_pickle_uses_only_globals_that_weights_only_loading_allows()
    {
        using var scope = NewDisposeScope();
        string path = _tmp.File("pickle.pth");
        CheckpointWriter.Write(path, new CheckpointDict { ["params"] = SampleStateDict(), ["n"] = 1L });
        using var zip = ZipFile.OpenRead(path);
        string pickle = Encoding.Latin1.GetString(ReadBytes(zip, "archive/data.pkl"));
        Assert.Equal(0x80, pickle[0]);
        Assert.Equal(2, pickle[1]);   // protocol 2
        Assert.Contains("ccollections\nOrderedDict\n", pickle);
        Assert.Contains("ctorch._utils\n_rebuild_tensor_v2\n", pickle);
        Assert.Contains("ctorch\nFloatStorage\n", pickle);
        Assert.Contains("ctorch\nBFloat16Storage\n", pickle);
    }

    [Fact]
    public void A_bare_tensor_and_a_top_level_state_dict_read_back()
    {
        using var scope = NewDisposeScope();
        string tensorPath = _tmp.File("chm.pth"), sdPath = _tmp.File("sd.pth");
        var w = linspace(0, 1, 1024);
        CheckpointWriter.WriteTensor(tensorPath, w);
        Assert.True(TorchCheckpoint.ReadTensor(tensorPath).SameAs(w));

        var sd = SampleStateDict();
        CheckpointWriter.WriteStateDict(sdPath, sd);
        using var back = TorchCheckpoint.ReadStateDict(sdPath);
        Assert.Equal("", back.Section);
        Assert.Equal(sd.Keys, back.Keys);
    }

    [Fact]
    public void Params_ema_is_used_when_asked_and_module_prefixes_are_removed()
    {
        using var scope = NewDisposeScope();
        string path = _tmp.File("ema.pth");
        CheckpointWriter.Write(path, new CheckpointDict
        {
            ["params"] = new Dictionary<string, Tensor> { ["module.w"] = zeros(2) },
            ["params_ema"] = new Dictionary<string, Tensor> { ["module.w"] = ones(2) },
        });
        using var plain = TorchCheckpoint.ReadStateDict(path);
        Assert.Equal("params", plain.Section);
        Assert.Equal(["w"], plain.Keys);
        Assert.Contains(plain.Notes, n => n.Contains("module."));
        Assert.Equal(0f, plain["w"].sum().item<float>());

        using var ema = TorchCheckpoint.ReadStateDict(path, preferEma: true);
        Assert.Equal("params_ema", ema.Section);
        Assert.Equal(2f, ema["w"].sum().item<float>());
    }

    [Fact]
    public void A_top_level_dict_with_non_tensor_entries_is_not_a_state_dict()
    {
        using var scope = NewDisposeScope();
        string path = _tmp.File("meta.pth");
        CheckpointWriter.Write(path, new CheckpointDict { ["w"] = zeros(2), ["iter"] = 3L });
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ReadStateDict(path));
        Assert.Contains("entry 'iter' is an int, not a tensor", e.Message);
    }

    [Fact]
    public void Writing_is_atomic_and_deterministic()
    {
        using var scope = NewDisposeScope();
        string path = _tmp.File("det.pth");
        CheckpointWriter.WriteStateDict(path, SampleStateDict());
        byte[] first = File.ReadAllBytes(path);
        CheckpointWriter.WriteStateDict(path, SampleStateDict());
        Assert.Equal(first, File.ReadAllBytes(path));

        // an object the format cannot hold fails before the file is touched, leaving no temporary behind
        Assert.Throws<ArgumentException>(() => CheckpointWriter.Write(path, new CheckpointDict { ["x"] = new object() }));
        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_tmp.Path));
    }

    static string Read(ZipArchive zip, string name) => Encoding.ASCII.GetString(ReadBytes(zip, name));

    static byte[] ReadBytes(ZipArchive zip, string name)
    {
        using var s = zip.GetEntry(name)!.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
