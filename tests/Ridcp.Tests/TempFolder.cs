namespace Ridcp.Tests;

/// <summary>The tests' one temporary-folder helper: a fresh folder, removed with everything in it on Dispose
/// (`using var tmp = new TempFolder();` in a test, or a field of an IDisposable test class).</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ridcp-test-" + Guid.NewGuid().ToString("N")[..10]);

    public TempFolder() => Directory.CreateDirectory(Path);

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
