using Ridcp.Models;

namespace Ridcp.Tests.Cli;

/// <summary>One checkpoint of the official configuration in the official layout ({'params': state dict}, no
/// architecture options, CHM weight included as make_formula_ckpt.py writes it), filled with the deterministic
/// parity weights; written once for the test class (about 118 MB).</summary>
public sealed class OfficialCheckpointFixture : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("ridcp-official-").FullName;
    public string Checkpoint { get; }

    public OfficialCheckpointFixture()
    {
        Checkpoint = TestCheckpoints.Write(Path.Combine(Dir, "official.pth"), VQWeightDehazeNetOptions.OfficialLq, arch: null);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
