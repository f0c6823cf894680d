using Ridcp.Cli;
using Ridcp.Imaging;
using Ridcp.Tests.Checkpoints;
using Xunit;

namespace Ridcp.Tests.Cli;

/// <summary>`ridcp dehaze` with no --weights: the bundled model, and its CHM weight where an α is asked for.</summary>
public class DehazeBundledModelTests : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    static string Photo => Fixture.File("synthesis", "motorcycle_small.png");

    [Fact]
    public void Without_weights_the_bundled_model_dehazes_and_an_alpha_uses_its_chm_weight()
    {
        var plain = CliRun.Invoke("dehaze", Photo, "-o", tmp.File("plain.png"), "-v");
        Assert.True(plain.ExitCode == ExitCodes.Ok, plain.Err);
        var input = ImageFile.Read(Photo);
        var output = ImageFile.Read(tmp.File("plain.png"));
        Assert.Equal((input.Width, input.Height), (output.Width, output.Height));

        // α without --chm-weight is a usage error for other weights (DehazeCommandTests); with the bundled model
        // it takes models/ridcp-small/chm_weight.pth, and a strong α changes the matched codes, so the picture.
        var chm = CliRun.Invoke("dehaze", Photo, "-o", tmp.File("alpha.png"), "--alpha", "-60");
        Assert.True(chm.ExitCode == ExitCodes.Ok, chm.Err);
        Assert.NotEqual(output.Data, ImageFile.Read(tmp.File("alpha.png")).Data);
    }
}
