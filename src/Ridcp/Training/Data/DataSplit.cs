namespace Ridcp.Training.Data;

/// <summary>Splits a folder's images into training and validation items and keeps a test set out of both.
/// Validation images pick the best checkpoint, so they cannot also judge it: the images named in
/// <c>holdout_list</c> are for that, and no stage of training ever sees them. Without <c>val_list</c> the last
/// <c>num_val</c> images in name order validate (the rule before lists existed).</summary>
public static class DataSplit
{
    public static (List<T> Train, List<T> Val) Apply<T>(IReadOnlyList<T> items, Func<T, string> name, int numVal,
                                                         string? valList, string? holdoutList)
    {
        var present = items.Select(name).ToHashSet(StringComparer.Ordinal);
        var holdout = ReadList(holdoutList, present);
        var pool = items.Where(i => !holdout.Contains(name(i))).ToList();
        if (valList is null)
        {
            if (pool.Count <= numVal) throw new ArgumentException($"need more than num_val = {numVal} images, found {pool.Count}");
            return (pool.Take(pool.Count - numVal).ToList(), pool.Skip(pool.Count - numVal).ToList());
        }
        var val = ReadList(valList, present);
        var overlap = val.Where(holdout.Contains).ToList();
        if (overlap.Count > 0) throw new ArgumentException($"{valList} names held-out test images too: {string.Join(", ", overlap)}");
        var train = pool.Where(i => !val.Contains(name(i))).ToList();
        if (train.Count == 0) throw new ArgumentException("no training images left after the validation and held-out lists");
        return (train, pool.Where(i => val.Contains(name(i))).ToList());
    }

    /// <summary>File names, one a line; blank lines and '#' comments skipped. Every name must be in the folder, so a
    /// typo cannot silently put a test image into training.</summary>
    public static HashSet<string> ReadList(string? path, IReadOnlySet<string> present)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (path is null) return set;
        if (!File.Exists(path)) throw new FileNotFoundException($"image list not found: {path}");
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            if (!present.Contains(line)) throw new ArgumentException($"{path} names '{line}', which is not among the training folder's images");
            set.Add(line);
        }
        return set;
    }
}
