using Xunit;
using Ridcp.Tests.Checkpoints;
using Ridcp.Training.Data;

namespace Ridcp.Tests.Training;

public sealed class DataSplitTests : IDisposable
{
    private readonly TempFolder temp = new();
    private static readonly string[] Names = ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg"];

    private string List(string name, params string[] lines)
    {
        string p = temp.File(name);
        File.WriteAllLines(p, lines);
        return p;
    }

    [Fact]
    public void Held_out_images_reach_neither_training_nor_validation()
    {
        var hold = List("test.txt", "# test set", "b.jpg", "", "e.jpg  # comment");
        var val = List("val.txt", "c.jpg");
        var (train, v) = DataSplit.Apply(Names, n => n, numVal: 4, val, hold);
        Assert.Equal(["a.jpg", "d.jpg", "f.jpg"], train);
        Assert.Equal(["c.jpg"], v);
    }

    [Fact]
    public void Without_a_validation_list_the_last_num_val_of_the_rest_validate()
    {
        var hold = List("test.txt", "f.jpg");
        var (train, v) = DataSplit.Apply(Names, n => n, numVal: 2, null, hold);
        Assert.Equal(["a.jpg", "b.jpg", "c.jpg"], train);
        Assert.Equal(["d.jpg", "e.jpg"], v);
    }

    [Fact]
    public void A_listed_name_missing_from_the_folder_is_refused_so_a_typo_cannot_leak_a_test_image()
    {
        var hold = List("test.txt", "B.jpg");
        var e = Assert.Throws<ArgumentException>(() => DataSplit.Apply(Names, n => n, 1, null, hold));
        Assert.Contains("'B.jpg'", e.Message);
    }

    [Fact]
    public void A_validation_list_that_names_a_test_image_is_refused()
    {
        var hold = List("test.txt", "b.jpg");
        var val = List("val.txt", "b.jpg", "c.jpg");
        var e = Assert.Throws<ArgumentException>(() => DataSplit.Apply(Names, n => n, 1, val, hold));
        Assert.Contains("b.jpg", e.Message);
    }

    [Fact]
    public void The_shipped_configs_test_and_validation_lists_are_disjoint_and_name_shared_photos()
    {
        string splits = Path.Combine(Fixture.RepoRoot, "configs", "splits");
        var test = File.ReadLines(Path.Combine(splits, "test.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var val = File.ReadLines(Path.Combine(splits, "val.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.True(test.Count >= 8, "issue 11 asks for at least 8 held-out test photos");
        Assert.Empty(test.Intersect(val));
    }

    public void Dispose() => temp.Dispose();
}
