using System.IO.Compression;
using System.Text;
using Ridcp.Checkpoints;
using Ridcp.Inference;
using Ridcp.Models;
using Ridcp.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

/// <summary>Issue 15: checkpoints built to hurt — bombs, flipped bytes, absurd architectures, non-finite weights —
/// are refused with one clear error before they cost memory. Every file is generated here, a few KB each.</summary>
public class HostileCheckpointTests : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    [Fact]
    public void A_flipped_storage_byte_fails_the_zip_entrys_crc_check()
    {
        string path = tmp.File("flip.pth");
        using (var t = arange(1f, 65f)) CheckpointWriter.WriteTensor(path, t);
        var bytes = File.ReadAllBytes(path);
        int at = IndexOf(bytes, HandMadeCheckpoints.FloatsLittleEndian(10f, 11f, 12f));
        Assert.True(at > 0, "storage bytes not found in the file");
        bytes[at + 1] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.Contains("CRC-32", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_deflated_storage_that_would_inflate_a_thousandfold_is_refused_before_inflating()
    {
        // 16 MB of zeros deflate to ~16 KB: the directory's sizes alone show the bomb.
        const long numel = 4 << 20;
        string path = tmp.File("bomb.pth");
        using (var fs = File.Create(path))
        using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("bomb/data.pkl", CompressionLevel.NoCompression).Open())
                s.Write(HandMadeCheckpoints.BareFloatTensorPickle(numel, 0, [numel], [1]));
            using (var s = zip.CreateEntry("bomb/data/0", CompressionLevel.SmallestSize).Open())
                s.Write(new byte[numel * 4]);
        }
        Assert.True(new FileInfo(path).Length < 100_000);

        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.Contains("inflate", e.Message);
    }

    [Fact]
    public void A_pickle_that_copies_one_list_over_and_over_is_refused_as_a_bomb()
    {
        // L = [0] * 1000; then 50 000 times: append list(L) to an outer list — 6 bytes of pickle per 1000 copies.
        var p = new List<byte> { 0x80, 2, (byte)']', (byte)'(' };
        for (int i = 0; i < 1000; i++) p.AddRange([(byte)'K', 0]);
        p.AddRange([(byte)'e', (byte)'q', 0]);                                  // APPENDS, BINPUT 0 (L)
        p.Add((byte)'0');                                                      // POP
        p.AddRange(Encoding.ASCII.GetBytes("cbuiltins\nlist\n")); p.AddRange([(byte)'q', 1, (byte)'0']);
        p.Add((byte)']');                                                      // the outer list
        for (int i = 0; i < 50_000; i++) p.AddRange([(byte)'h', 1, (byte)'h', 0, 0x85, (byte)'R', (byte)'a']);
        p.Add((byte)'.');
        string path = tmp.File("copies.pth");
        HandMadeCheckpoints.WriteZip(path, "copies", ("data.pkl", p.ToArray()));

        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.Contains("pickle bomb", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 256L << 20, "the refusal itself allocated too much");
    }

    [Fact]
    public void Architecture_options_repeating_one_list_by_reference_are_refused_without_expanding_it()
    {
        var arch = TestCheckpoints.Small.ToDictionary();
        var row = new List<object?> { 8L, 64L, 32L };
        arch["codebook_params"] = Enumerable.Repeat<object?>(row, 100_000).ToList();   // one list, many references
        var e = Assert.Throws<InvalidDataException>(() => ReadWithArch(arch));
        Assert.Contains("codebook_params", e.Message);
    }

    [Theory]
    [InlineData("codebook_params", "64,20000000,64")]
    [InlineData("swin_blk_depth", "100000")]
    [InlineData("swin_num_blocks", "100000")]
    [InlineData("channel_query_dict", "8,1000000,16,32,32,32")]
    [InlineData("weight_alpha", "1e30")]
    public void Absurd_architecture_options_are_refused_before_a_network_is_built(string key, string value)
    {
        var arch = TestCheckpoints.Small.ToDictionary();
        var numbers = value.Split(',').Select(double.Parse).ToArray();
        arch[key] = numbers.Length > 1 ? numbers.Select(x => (int)x).ToArray() : key == "weight_alpha" ? numbers[0] : (object)(int)numbers[0];
        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<InvalidDataException>(() => ReadWithArch(arch));
        Assert.Contains(key.Replace("codebook_params", "codebook").Split('_')[0], e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 64L << 20);
    }

    [Fact]
    public void Architecture_options_that_disagree_with_the_weights_shapes_are_refused_before_building()
    {
        var arch = (TestCheckpoints.Small with { SwinBlkDepth = 3 }).ToDictionary();
        var e = Assert.Throws<InvalidDataException>(() => ReadWithArch(arch));
        Assert.Contains("swin_blk_depth is 3 but the weights hold 2", e.Message);

        arch = (TestCheckpoints.Small with { CodebookParams = [new CodebookSpec(8, 128, 32)] }).ToDictionary();
        e = Assert.Throws<InvalidDataException>(() => ReadWithArch(arch));
        Assert.Contains("quantize_group.0.embedding.weight", e.Message);
    }

    [Fact]
    public void One_nan_in_the_weights_is_refused_naming_the_tensor()
    {
        string path = TestCheckpoints.WriteSmall(tmp.File("nan.pth"), sd =>
        {
            var w = sd["multiscale_encoder.in_conv.weight"];
            w.flatten()[5] = float.NaN;
        });
        var e = Assert.Throws<CheckpointFormatException>(() => NetworkFile.Read(path).Dispose());
        Assert.Contains("multiscale_encoder.in_conv.weight", e.Message);
        Assert.Contains("non-finite", e.Message);
    }

    [Fact]
    public void An_infinite_weight_is_refused_by_the_strict_loader_too()
    {
        using var net = new TinyNet();
        var sd = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        sd.First().Value.flatten()[0] = float.PositiveInfinity;
        var e = Assert.Throws<CheckpointFormatException>(() => StateDictLoader.Load(net, sd));
        Assert.Contains(sd.First().Key, e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x8a, 8, 0, 0, 0, 0, 0, 1, 0, 0 }, 1L << 40)]                                   // LONG1, 8 bytes
    [InlineData(new byte[] { 0x8a, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, long.MaxValue)]        // int64 max
    [InlineData(new byte[] { 0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x80 }, long.MinValue)]                            // int64 min
    [InlineData(new byte[] { 0x8a, 9, 5, 0, 0, 0, 0, 0, 0, 0, 0 }, 5L)]                                       // padded
    [InlineData(new byte[] { 0x8b, 2, 0, 0, 0, 0x39, 0x30 }, 12345L)]                                         // LONG4
    [InlineData(new byte[] { (byte)'L', (byte)'9', (byte)'0', (byte)'0', (byte)'0', (byte)'0', (byte)'0', (byte)'0', (byte)'0', (byte)'0', (byte)'0', (byte)'0', (byte)'L', 10 }, 90_000_000_000L)] // protocol 0
    public void Pickle_longs_that_fit_in_64_bits_read_as_int64(byte[] opcode, long value)
    {
        using var ck = LoadPickle([0x80, 2, .. opcode, (byte)'.']);
        Assert.Equal(value, Assert.IsType<long>(ck.Root));
    }

    [Fact]
    public void A_storage_whose_sizes_are_written_as_8_byte_longs_reads_like_any_other()
    {
        static byte[] Long1(long v) => [0x8a, 8, .. BitConverter.GetBytes(v)];
        static byte[] Global(string m, string n) => [(byte)'c', .. Encoding.ASCII.GetBytes(m + "\n" + n + "\n")];
        static byte[] Str(string s) => [0x8c, (byte)s.Length, .. Encoding.ASCII.GetBytes(s)];
        byte[] p =
        [
            0x80, 2, .. Global("torch._utils", "_rebuild_tensor_v2"), (byte)'(',
            (byte)'(', .. Str("storage"), .. Global("torch", "FloatStorage"), .. Str("0"), .. Str("cpu"), .. Long1(4), (byte)'t', (byte)'Q',
            .. Long1(0), (byte)'(', .. Long1(4), (byte)'t', (byte)'(', .. Long1(1), (byte)'t', 0x89,
            .. Global("collections", "OrderedDict"), (byte)')', (byte)'R', (byte)'t', (byte)'R', (byte)'.',
        ];
        string path = tmp.File("long-sizes.pth");
        HandMadeCheckpoints.WriteZip(path, "ls", ("data.pkl", p), ("data/0", HandMadeCheckpoints.FloatsLittleEndian(1, 2, 3, 4)));
        using var t = TorchCheckpoint.ReadTensor(path);
        Assert.Equal([1f, 2f, 3f, 4f], t.data<float>().ToArray());
    }

    Checkpoint LoadPickle(byte[] pickle)
    {
        string path = tmp.File("p" + Guid.NewGuid().ToString("N")[..6] + ".pth");
        HandMadeCheckpoints.WriteZip(path, "p", ("data.pkl", pickle));
        return TorchCheckpoint.Load(path);
    }

    [Fact]
    public void A_named_pipe_given_as_a_checkpoint_is_refused_without_blocking()
    {
        string fifo = tmp.File("weights.pth");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        Assert.True(File.Exists(fifo));
        var read = Task.Run(() => Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(fifo)));
        Assert.True(read.Wait(TimeSpan.FromSeconds(20)), "reading the pipe blocked");
        Assert.Contains("not a regular file", read.Result.Message);
    }

    InvalidDataException? ReadWithArch(Dictionary<string, object> arch)
    {
        string path = tmp.File("arch.pth");
        using (var scope = NewDisposeScope())
        {
            var sd = TestCheckpoints.StateDict(TestCheckpoints.Small);
            CheckpointWriter.Write(path, new Dictionary<string, object?> { ["params"] = sd, [Dehazer.ArchKey] = arch });
        }
        NetworkFile.Read(path).Dispose();
        return null;
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
            if (hay.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
