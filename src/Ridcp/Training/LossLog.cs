using System.Globalization;
using System.Text;

namespace Ridcp.Training;

/// <summary>RUN_DIR/losses.csv: column <c>iter</c>, then one column per loss term, in the order of first appearance.
/// Rows are appended as training goes; on resume the rows after the resumed iteration are dropped (they belong to
/// the part of the run that was lost), so the file always describes one continuous run.</summary>
public sealed class LossLog
{
    private readonly string path;
    private readonly List<string> columns = [];
    private readonly List<(long Iter, Dictionary<string, double> Values)> rows = [];

    public string Path => path;
    public IReadOnlyList<string> Columns => columns;
    public IReadOnlyList<(long Iter, Dictionary<string, double> Values)> Rows => rows;

    public LossLog(string path) => this.path = path;

    /// <summary>Reads an existing file and keeps the rows with iter &lt;= <paramref name="upToIter"/>.</summary>
    public static LossLog Resume(string path, long upToIter)
    {
        var log = new LossLog(path);
        if (!File.Exists(path)) return log;
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) return log;
        var head = lines[0].Split(',');
        if (head[0] != "iter") throw new InvalidDataException($"{path}: first column is not 'iter'");
        log.columns.AddRange(head.Skip(1));
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            long iter = long.Parse(cells[0], CultureInfo.InvariantCulture);
            if (iter > upToIter) continue;
            var values = new Dictionary<string, double>();
            for (int i = 1; i < cells.Length && i <= log.columns.Count; i++)
                if (cells[i].Length > 0) values[log.columns[i - 1]] = double.Parse(cells[i], CultureInfo.InvariantCulture);
            log.rows.Add((iter, values));
        }
        log.Rewrite();
        return log;
    }

    public void Append(long iter, IReadOnlyDictionary<string, double> values)
    {
        bool newColumn = false;
        foreach (var k in values.Keys)
            if (!columns.Contains(k)) { columns.Add(k); newColumn = true; }
        rows.Add((iter, new Dictionary<string, double>(values)));
        if (newColumn || !File.Exists(path)) { Rewrite(); return; }
        File.AppendAllText(path, Row(rows[^1]) + "\n");
    }

    private void Rewrite()
    {
        var sb = new StringBuilder();
        sb.Append("iter");
        foreach (var c in columns) sb.Append(',').Append(c);
        sb.Append('\n');
        foreach (var r in rows) sb.Append(Row(r)).Append('\n');
        Ridcp.Core.AtomicFile.WriteAllText(path, sb.ToString());
    }

    private string Row((long Iter, Dictionary<string, double> Values) r)
    {
        var sb = new StringBuilder(r.Iter.ToString(CultureInfo.InvariantCulture));
        foreach (var c in columns)
            sb.Append(',').Append(r.Values.TryGetValue(c, out double v) ? v.ToString("G9", CultureInfo.InvariantCulture) : "");
        return sb.ToString();
    }
}
