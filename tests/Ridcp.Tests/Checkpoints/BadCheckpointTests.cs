using System.Text;
using Ridcp.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

/// <summary>Checkpoints that must be refused with one clear message naming the file: truncated, lying about sizes,
/// or calling a Python global (a pickle is code unless the reader restricts it).</summary>
public sealed class BadCheckpointTests : IDisposable
{
    readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    string TruncatedCopy(string source, string name, long keep)
    {
        string path = _tmp.File(name);
        using var src = File.OpenRead(source);
        using var dst = File.Create(path);
        var buf = new byte[keep];
        src.ReadExactly(buf);
        dst.Write(buf);
        return path;
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void A_truncated_zip_checkpoint_fails_naming_the_file(double fraction)
    {
        string source = Fixture.Parity("ckpt_params_small.pth");
        string path = TruncatedCopy(source, "cut.pth", (long)(new FileInfo(source).Length * fraction));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ReadStateDict(path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(100)]    // inside the object pickle
    [InlineData(500)]    // inside the raw storage bytes
    public void A_truncated_legacy_checkpoint_fails_naming_the_file(long keep)
    {
        string path = TruncatedCopy(Fixture.Parity("ckpt_legacy_small.pth"), "cut_legacy.pth", keep);
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    public void A_zip_pickle_naming_a_foreign_global_is_refused_by_name(string module, string name)
    {
        string path = _tmp.File("evil.pth");
        HandMadeCheckpoints.WriteZip(path, "evil", ("data.pkl", HandMadeCheckpoints.ForeignCallPickle(module, name)), ("version", "3\n"u8.ToArray()));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.StartsWith($"checkpoint refers to a foreign Python global '{module}.{name}'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_legacy_style_pickle_naming_a_foreign_global_is_refused_by_name()
    {
        string path = _tmp.File("evil_legacy.pth");
        File.WriteAllBytes(path, HandMadeCheckpoints.ForeignCallPickle("posix", "system"));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.StartsWith("checkpoint refers to a foreign Python global 'posix.system'", e.Message);
    }

    [Fact]
    public void A_storage_that_declares_more_elements_than_the_file_holds_fails_before_allocating()
    {
        // 10^9 floats (4 GB) declared, 16 bytes present: must fail on the sizes, never try to allocate.
        string path = _tmp.File("liar.pth");
        var pickle = HandMadeCheckpoints.BareFloatTensorPickle(1_000_000_000, 0, [1_000_000_000], [1]);
        HandMadeCheckpoints.WriteZip(path, "liar", ("data.pkl", pickle), ("data/0", HandMadeCheckpoints.FloatsLittleEndian(1, 2, 3, 4)));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.Contains("declares 1000000000 FloatStorage elements (4000000000 bytes) but the file holds 16 bytes", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(0, new long[] { 5 }, new long[] { 1 })]      // 5 elements from a 4-element storage
    [InlineData(2, new long[] { 2, 2 }, new long[] { 1, 1 })] // last element at 2 + 1 + 1 = 4
    [InlineData(0, new long[] { 2 }, new long[] { 4 })]      // stride steps past the end
    public void A_view_reaching_past_its_storage_is_refused(long offset, long[] size, long[] stride)
    {
        string path = _tmp.File("view.pth");
        var pickle = HandMadeCheckpoints.BareFloatTensorPickle(4, offset, size, stride);
        HandMadeCheckpoints.WriteZip(path, "view", ("data.pkl", pickle), ("data/0", HandMadeCheckpoints.FloatsLittleEndian(1, 2, 3, 4)));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.Contains("reaches past the end of storage 0", e.Message);
    }

    [Fact]
    public void A_valid_hand_made_view_reads_with_its_stride_and_offset()
    {
        using var scope = NewDisposeScope();
        string path = _tmp.File("view_ok.pth");
        var pickle = HandMadeCheckpoints.BareFloatTensorPickle(6, 1, [2, 2], [3, 1]);
        HandMadeCheckpoints.WriteZip(path, "archive", ("data.pkl", pickle), ("data/0", HandMadeCheckpoints.FloatsLittleEndian(0, 1, 2, 3, 4, 5)));
        var t = TorchCheckpoint.ReadTensor(path);
        // [i, j] = storage[1 + 3i + j]
        Assert.Equal([3L, 1], t.stride());
        Assert.Equal(new[] { 1f, 2f, 4f, 5f }, t.contiguous().data<float>().ToArray());
    }

    [Theory]
    [InlineData("mixed_zip.pth")]
    [InlineData("mixed_legacy.pth")]
    public void Random_byte_damage_gives_a_checkpoint_or_a_format_error_never_another_exception(string file)
    {
        // Seeded, so a failure reproduces. Damage in raw tensor bytes legitimately still loads.
        var rng = new Random(20231);
        byte[] original = File.ReadAllBytes(Fixture.File("checkpoints", file));
        string path = _tmp.File("damaged.pth");
        int refused = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] damaged = (byte[])original.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) damaged[rng.Next(damaged.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, damaged);
            try
            {
                using var scope = NewDisposeScope();
                using var ck = TorchCheckpoint.Load(path);
            }
            catch (CheckpointFormatException e)
            {
                Assert.Contains(path, e.Message);
                refused++;
            }
        }
        Assert.InRange(refused, 1, 299);
    }

    [Fact]
    public void Deeply_nested_data_does_not_overflow_the_stack()
    {
        // 200000 lists, each appended into the one below it: a chain 200000 deep in 400 kB of pickle.
        const int Depth = 200_000;
        var pickle = new List<byte> { 0x80, 2 };
        pickle.AddRange(Enumerable.Repeat((byte)']', Depth));
        pickle.AddRange(Enumerable.Repeat((byte)'a', Depth - 1));
        pickle.Add((byte)'.');
        string path = _tmp.File("deep.pth");
        HandMadeCheckpoints.WriteZip(path, "deep", ("data.pkl", pickle.ToArray()));
        using var ck = TorchCheckpoint.Load(path);
        var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(ck.Root);
        Assert.Single(list);
    }

    [Fact]
    public void Big_endian_storages_are_byte_swapped()
    {
        using var scope = NewDisposeScope();
        string path = _tmp.File("big.pth");
        var pickle = HandMadeCheckpoints.BareFloatTensorPickle(3, 0, [3], [1]);
        HandMadeCheckpoints.WriteZip(path, "big", ("data.pkl", pickle), ("byteorder", "big"u8.ToArray()),
            ("data/0", HandMadeCheckpoints.FloatsBigEndian(1f, 2.5f, -3f)));
        var t = TorchCheckpoint.ReadTensor(path);
        Assert.Equal(new[] { 1f, 2.5f, -3f }, t.data<float>().ToArray());
    }

    [Fact]
    public void Files_that_are_not_checkpoints_get_a_clear_message()
    {
        string text = _tmp.File("notes.pth");
        File.WriteAllText(text, "hello");
        Assert.Contains("not a PyTorch checkpoint", Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(text)).Message);

        string zip = _tmp.File("other.zip");
        HandMadeCheckpoints.WriteZip(zip, "x", ("readme.txt", Encoding.ASCII.GetBytes("hi")));
        Assert.Contains("not a PyTorch checkpoint", Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(zip)).Message);

        var missing = Assert.Throws<FileNotFoundException>(() => TorchCheckpoint.Load(_tmp.File("absent.pth")));
        Assert.Contains("absent.pth", missing.Message);
    }
}
