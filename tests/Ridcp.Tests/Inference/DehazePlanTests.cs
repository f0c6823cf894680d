using Ridcp.Inference;
using Xunit;

namespace Ridcp.Tests.Inference;

public class DehazePlanTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-plan-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Touch(string name)
    {
        string p = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllBytes(p, [1]);
        return p;
    }

    [Fact]
    public void A_file_goes_to_the_named_output_file()
    {
        var items = DehazePlan.Make(Touch("a.jpg"), Path.Combine(dir, "out.png"));
        Assert.Equal(new DehazeItem(Path.Combine(dir, "a.jpg"), Path.Combine(dir, "out.png")), Assert.Single(items));
    }

    [Fact]
    public void A_file_into_an_existing_folder_keeps_its_name()
    {
        Directory.CreateDirectory(Path.Combine(dir, "out"));
        var item = Assert.Single(DehazePlan.Make(Touch("a.jpg"), Path.Combine(dir, "out")));
        Assert.Equal(Path.Combine(dir, "out", "a.jpg"), item.Output);
    }

    [Fact]
    public void A_folder_maps_every_image_to_the_same_name_in_the_output_folder()
    {
        Touch("in/b.png"); Touch("in/a.JPG"); Touch("in/notes.txt"); Touch("in/c.bmp");
        var items = DehazePlan.Make(Path.Combine(dir, "in"), Path.Combine(dir, "out"));
        Assert.Equal(["a.JPG", "b.png", "c.png"], items.Select(i => Path.GetFileName(i.Output)));
        Assert.All(items, i => Assert.Equal(Path.Combine(dir, "out"), Path.GetDirectoryName(i.Output)));
    }

    [Fact]
    public void Output_equal_to_the_input_is_refused()
    {
        string a = Touch("a.png");
        Assert.Contains("overwrite", Assert.Throws<ArgumentException>(() => DehazePlan.Make(a, a)).Message);
        Touch("in/x.png");
        Assert.Contains("input folder", Assert.Throws<ArgumentException>(() => DehazePlan.Make(Path.Combine(dir, "in"), Path.Combine(dir, "in") + "/")).Message);
        Assert.Throws<ArgumentException>(() => DehazePlan.Make(a, dir));
    }

    [Fact]
    public void Missing_input_unsupported_output_and_empty_folder_are_errors()
    {
        Assert.Throws<FileNotFoundException>(() => DehazePlan.Make(Path.Combine(dir, "none.png"), Path.Combine(dir, "o.png")));
        Assert.Throws<ArgumentException>(() => DehazePlan.Make(Touch("a.png"), Path.Combine(dir, "o.tif")));
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        Assert.Throws<InvalidDataException>(() => DehazePlan.Make(Path.Combine(dir, "empty"), Path.Combine(dir, "o")));
    }

    [Fact]
    public void Two_inputs_that_would_share_an_output_name_are_refused()
    {
        Touch("in/x.bmp"); Touch("in/x.png");
        Assert.Throws<ArgumentException>(() => DehazePlan.Make(Path.Combine(dir, "in"), Path.Combine(dir, "out")));
    }

    [Fact]
    public void The_bundled_model_is_looked_up_from_the_program_folder_upwards()
    {
        string model = Path.Combine(dir, BundledModel.RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        Directory.CreateDirectory(Path.Combine(dir, "bin", "x"));
        Assert.Contains(BundledModel.RelativePath, Assert.Throws<FileNotFoundException>(() => BundledModel.Resolve(Path.Combine(dir, "bin", "x"))).Message);
        File.WriteAllBytes(model, [0]);
        Assert.Equal(Path.GetFullPath(model), BundledModel.Resolve(Path.Combine(dir, "bin", "x")));
    }
}
