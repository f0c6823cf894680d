using System.IO.Compression;
using Ridcp.Checkpoints;
using Ridcp.Matching;
using Ridcp.Tests.Parity;
using Xunit;

namespace Ridcp.Tests.Matching;

public class ChmWeightFileTests
{
    [Fact]
    public void The_official_weight_file_loads_with_the_generator_values()
    {
        var w = ChmWeight.Load(Fixture.Parity("chm_weight.pth"));
        Assert.Equal(1024, w.CodebookSize);
        Assert.Equal(DeterministicWeights.Values("quantize_group.0.weight", 1024, 0.005, 0.005), w.Values);
    }

    [Fact]
    public void Our_weight_file_round_trips_exactly()
    {
        var w = ChmWeight.FromFrequencies([0.5, 0.25, 0.25, 0], [0.1, 0.2, 0.3, 0.4], signed: true);
        string path = TempPath();
        try
        {
            w.Save(path);
            Assert.Equal(w.Values, ChmWeight.Load(path).Values);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Our_weight_file_is_pickled_like_the_official_one()
    {
        // same pickle program as torch.save(tensor) (torch 1.13 wrote the fixture): _rebuild_tensor_v2 of a
        // FloatStorage "0" on cpu, offset 0, shape (1024,), stride (1,), no grad, empty hooks — the same calls
        // with the same arguments (memo and tuple spelling aside), and the same storage bytes
        var officialWeight = ChmWeight.Load(Fixture.Parity("chm_weight.pth"));
        string path = TempPath();
        try
        {
            new ChmWeight(officialWeight.Values).Save(path);
            string official = PickleShape.Describe(Entry(Fixture.Parity("chm_weight.pth"), "data.pkl"));
            Assert.Equal("torch._utils._rebuild_tensor_v2(pid(('storage',torch.FloatStorage,'0','cpu',1024)),0,(1024,),(1,),False,collections.OrderedDict())", official);
            Assert.Equal(official, PickleShape.Describe(Entry(path, "data.pkl")));
            Assert.Equal(Entry(Fixture.Parity("chm_weight.pth"), "data/0"), Entry(path, "data/0"));
            using var t = TorchCheckpoint.ReadTensor(path);
            Assert.Equal([1024L], t.shape);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_state_dict_or_a_missing_file_is_not_a_weight_file()
    {
        Assert.Throws<InvalidDataException>(() => ChmWeight.Load(Fixture.Parity("ckpt_params_small.pth")));
        Assert.Throws<FileNotFoundException>(() => ChmWeight.Load(Fixture.Parity("no_such_weight.pth")));
        string garbage = TempPath();
        File.WriteAllText(garbage, "this is not a checkpoint");
        try { Assert.Throws<InvalidDataException>(() => ChmWeight.Load(garbage)); }
        finally { File.Delete(garbage); }
    }

    static string TempPath() => Path.Combine(Path.GetTempPath(), $"chm-{Guid.NewGuid():N}.pth");

    /// <summary>A zip entry by its name below the archive's top folder (torch names that folder freely).</summary>
    static byte[] Entry(string zipPath, string name)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var e = zip.Entries.Single(x => x.FullName.EndsWith("/" + name, StringComparison.Ordinal) && x.FullName.Count(c => c == '/') == name.Count(c => c == '/') + 1);
        using var s = e.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
