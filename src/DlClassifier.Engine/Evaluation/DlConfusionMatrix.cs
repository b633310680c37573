using System.Globalization;
using System.Text;
using DlClassifier.Engine.IO;

namespace DlClassifier.Engine.Evaluation;

/// <summary>How often images of one class were taken for another.</summary>
public sealed class DlConfusionPair
{
    public string TrueClass { get; init; } = "";

    public string PredictedClass { get; init; } = "";

    public long Count { get; init; }

    /// <summary>The fraction of the true class's images that went to the predicted class.</summary>
    public double Fraction { get; init; }
}

/// <summary>
/// A K×K confusion matrix in the classifier's class order: rows are true classes, columns predicted classes
/// (the convention of scikit-learn and MATLAB).
/// </summary>
public sealed class DlConfusionMatrix
{
    public DlConfusionMatrix(string[] classNames, long[][] counts, bool relative)
    {
        ClassNames = classNames;
        Counts = counts;
        IsRelative = relative;
        Values = counts.Select(row =>
        {
            long total = row.Sum();
            return row.Select(c => relative ? (total == 0 ? 0.0 : (double)c / total) : c).ToArray();
        }).ToArray();
        MostConfused = Enumerable.Range(0, classNames.Length)
            .SelectMany(t => Enumerable.Range(0, classNames.Length).Where(p => p != t && counts[t][p] > 0)
                .Select(p => new DlConfusionPair
                {
                    TrueClass = classNames[t], PredictedClass = classNames[p], Count = counts[t][p],
                    Fraction = (double)counts[t][p] / counts[t].Sum(),
                }))
            .OrderByDescending(pair => pair.Count).ThenByDescending(pair => pair.Fraction)
            .ThenBy(pair => pair.TrueClass, StringComparer.Ordinal)
            .ToArray();
    }

    public string[] ClassNames { get; }

    /// <summary>Image counts: Counts[t][p] images of class t were predicted as class p.</summary>
    public long[][] Counts { get; }

    /// <summary>True when <see cref="Values"/> holds row fractions rather than counts.</summary>
    public bool IsRelative { get; }

    /// <summary>The counts, or each row divided by its total when relative (an empty row stays 0).</summary>
    public double[][] Values { get; }

    /// <summary>The off-diagonal cells with images, most images first.</summary>
    public DlConfusionPair[] MostConfused { get; }

    /// <summary>The matrix as an aligned text table with class names, rows = true class.</summary>
    /// <remarks>Each column is as wide as its own class name or widest value, so the table stays narrow.</remarks>
    public string ToTable()
    {
        const string corner = "True \\ Predicted";
        int nameWidth = Math.Max(corner.Length, ClassNames.Max(n => n.Length));
        string Cell(double value) => IsRelative
            ? value.ToString("P1", CultureInfo.CurrentCulture)
            : value.ToString("0", CultureInfo.CurrentCulture);
        int[] widths = Enumerable.Range(0, ClassNames.Length)
            .Select(c => Math.Max(ClassNames[c].Length, Values.Max(row => Cell(row[c]).Length)))
            .ToArray();
        var text = new StringBuilder();
        text.Append(corner.PadRight(nameWidth));
        for (int c = 0; c < ClassNames.Length; c++)
        {
            text.Append("  ").Append(ClassNames[c].PadLeft(widths[c]));
        }
        text.AppendLine();
        for (int t = 0; t < ClassNames.Length; t++)
        {
            text.Append(ClassNames[t].PadRight(nameWidth));
            for (int c = 0; c < ClassNames.Length; c++)
            {
                text.Append("  ").Append(Cell(Values[t][c]).PadLeft(widths[c]));
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>
    /// The matrix as comma-separated text: a header "TrueClass" followed by the predicted classes, then one
    /// line per true class with its name and its <see cref="Values"/>.
    /// </summary>
    /// <remarks>
    /// Numbers use the invariant culture (a point as decimal mark, full round-trip precision for fractions) so
    /// that the file reads the same in every locale. Fields are quoted as RFC 4180 asks, only when needed.
    /// </remarks>
    public string ToCsv()
    {
        var text = new StringBuilder();
        text.Append("TrueClass");
        foreach (string name in ClassNames)
        {
            text.Append(',').Append(CsvField(name));
        }
        text.Append("\r\n");
        for (int t = 0; t < ClassNames.Length; t++)
        {
            text.Append(CsvField(ClassNames[t]));
            foreach (double value in Values[t])
            {
                text.Append(',').Append(value.ToString(IsRelative ? "R" : "0", CultureInfo.InvariantCulture));
            }
            text.Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> as UTF-8 to a file, replacing it in one step; creates the folder.</summary>
    public void WriteCsv(string path) =>
        AtomicFile.WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(ToCsv()));

    public override string ToString() => ToTable();

    private static string CsvField(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0 && value.Trim() == value
            ? value
            : "\"" + value.Replace("\"", "\"\"") + "\"";
}
