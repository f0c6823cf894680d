using Ridcp.Checkpoints;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference;

/// <summary>The split forward the web app's α slider uses: encoder once, matching and decoders per alpha.</summary>
public class DehazerEncodeDecodeTests
{
    [Fact]
    public void Encode_then_decode_at_an_alpha_equals_dehazing_at_that_alpha_bit_for_bit()
    {
        using var tmp = new TempFolder();
        string ck = TestCheckpoints.WriteSmall(tmp.File("small.pth"));
        string chm = tmp.File("chm.pth");
        using (var w = linspace(-0.01, 0.01, 64)) CheckpointWriter.WriteTensor(chm, w);
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = ck, ChmWeightPath = chm });
        var img = new RgbImage(40, 35);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)((i * 29 % 97) / 96.0);
        using var encoded = dehazer.Encode(img);
        foreach (float alpha in new[] { 0f, -21.25f, -200f })
            Assert.Equal(dehazer.Dehaze(img, alpha).Data, dehazer.Decode(encoded, alpha).Data);
        Assert.NotEqual(dehazer.Decode(encoded, 0f).Data, dehazer.Decode(encoded, -200f).Data);
    }
}
