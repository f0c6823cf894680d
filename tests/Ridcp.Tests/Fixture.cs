namespace Ridcp.Tests;

/// <summary>Paths of test fixtures (copied from ../shared into tests/Ridcp.Tests/Fixtures, with their licences).</summary>
public static class Fixture
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    public static string File(params string[] parts) => System.IO.Path.Combine([Dir, .. parts]);
    public static string Parity(string file) => System.IO.Path.Combine(Dir, "parity", file);
}
