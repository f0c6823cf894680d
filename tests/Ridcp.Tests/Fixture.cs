namespace Ridcp.Tests;

/// <summary>Paths of test fixtures (copied from ../shared into tests/Ridcp.Tests/Fixtures, with their licences).</summary>
public static class Fixture
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    public static string File(params string[] parts) => System.IO.Path.Combine([Dir, .. parts]);
    /// <summary>The repository's root (the folder above the test output that holds Ridcp.slnx).</summary>
    public static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (System.IO.File.Exists(System.IO.Path.Combine(d.FullName, "Ridcp.slnx"))) return d.FullName;
            throw new DirectoryNotFoundException("Ridcp.slnx not found above the test output folder");
        }
    }

    public static string Parity(string file) => System.IO.Path.Combine(Dir, "parity", file);
}
