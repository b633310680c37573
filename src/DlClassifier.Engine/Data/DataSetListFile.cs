using System.Text;
using DlClassifier.Engine.IO;

namespace DlClassifier.Engine.Data;

/// <summary>One row of a data set list: an image, its class, and optionally its group and subset.</summary>
/// <param name="Line">The line of the list the row starts on, counting the header as line 1.</param>
/// <param name="Path">The full path of the image; relative paths are resolved against the list's folder.</param>
/// <param name="ClassName">The class the row names.</param>
/// <param name="Group">The group the row names, or null when the column is absent or the value empty.</param>
/// <param name="Split">The subset the row names, or none.</param>
public sealed record DataSetListEntry(int Line, string Path, string ClassName, string? Group, SampleSplit Split);

/// <summary>
/// Reads and writes data set lists: text with a header line and then one image per line, in the columns
/// path, class, and optionally group and split.
/// </summary>
/// <remarks>
/// <para>Column names are matched without regard to case and in any order; other columns are ignored with a
/// warning. Values follow RFC 4180: a value in double quotes may hold the delimiter, line breaks and doubled
/// quotes, and unquoted values are trimmed. The text is UTF-8, with or without a byte order mark.</para>
/// <para>The delimiter is a tab for a name ending in .tsv, and for other names except .csv when the header
/// line holds a tab. Otherwise it is a semicolon when the header has semicolons but no comma (as spreadsheets
/// write in locales whose decimal mark is a comma), and a comma in all other cases.</para>
/// <para>The split column takes Training (or train), Validation (or val), Test, None, or nothing; case does not
/// matter. Relative paths are resolved against the folder of the list; the writer stores the paths of images
/// below that folder relative to it with '/' separators, so a folder moved with its list stays usable.</para>
/// </remarks>
public static class DataSetListFile
{
    private static readonly string[] KnownColumns = { "path", "class", "group", "split" };

    /// <summary>Reads a list, checking every row before any image is opened.</summary>
    /// <param name="listPath">The list file.</param>
    /// <param name="onWarning">Told about columns that are not used.</param>
    /// <exception cref="InvalidDataException">
    /// The list is not UTF-8, has no path or class column, or a row is malformed (the message names the line).
    /// </exception>
    public static IReadOnlyList<DataSetListEntry> Read(string listPath, Action<string>? onWarning = null)
    {
        string fullPath = System.IO.Path.GetFullPath(listPath);
        string text = ReadText(fullPath);
        char delimiter = DelimiterFor(fullPath, FirstLine(text));
        List<DelimitedRecord> records;
        try
        {
            records = DelimitedText.Parse(text, delimiter);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The list '{fullPath}' cannot be read: {e.Message}", e);
        }
        records.RemoveAll(record => record.Fields.All(string.IsNullOrEmpty));
        if (records.Count == 0)
        {
            throw new InvalidDataException(
                $"The list '{fullPath}' is empty. Its first line must name the columns, at least path and class.");
        }

        int[] columns = ReadHeader(fullPath, records[0], delimiter, onWarning);
        string folder = System.IO.Path.GetDirectoryName(fullPath)!;
        var entries = new List<DataSetListEntry>();
        var lineOfPath = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (DelimitedRecord record in records.Skip(1))
        {
            DataSetListEntry entry = ReadRow(fullPath, folder, record, columns, records[0].Fields.Length, delimiter);
            if (lineOfPath.TryGetValue(entry.Path, out int earlier))
            {
                throw RowError(fullPath, record.Line,
                    $"names '{entry.Path}', which line {earlier} names already. List every image once.");
            }
            lineOfPath.Add(entry.Path, record.Line);
            entries.Add(entry);
        }
        if (entries.Count == 0)
        {
            throw new InvalidDataException($"The list '{fullPath}' names no image below its header line.");
        }
        return entries;
    }

    /// <summary>
    /// Writes samples as a list with the columns path, class, group and split: tab-separated when the name ends
    /// in .tsv, comma-separated otherwise, UTF-8 without a byte order mark, lines ending in CR LF. The file is
    /// replaced in one step, so a reader never sees half a list.
    /// </summary>
    public static void Write(string listPath, IEnumerable<DlSample> samples)
    {
        string fullPath = System.IO.Path.GetFullPath(listPath);
        char delimiter = HasExtension(fullPath, ".tsv") ? '\t' : ',';
        string folder = System.IO.Path.GetDirectoryName(fullPath)!;

        var text = new StringBuilder();
        AppendRow(text, delimiter, KnownColumns);
        foreach (DlSample sample in samples)
        {
            string split = sample.Split == SampleSplit.None ? "" : sample.Split.ToString();
            AppendRow(text, delimiter, PathInList(sample.Path, folder), sample.ClassName, sample.Group ?? "", split);
        }

        AtomicFile.WriteAllBytes(fullPath, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)
            .GetBytes(text.ToString()));
    }

    internal static char DelimiterFor(string listPath, string headerLine)
    {
        bool csv = HasExtension(listPath, ".csv");
        if (HasExtension(listPath, ".tsv") || (!csv && headerLine.Contains('\t')))
        {
            return '\t';
        }
        return headerLine.Contains(';') && !headerLine.Contains(',') ? ';' : ',';
    }

    private static string ReadText(string listPath)
    {
        // Refusing bytes that are not UTF-8, rather than replacing them, turns a list saved in a legacy code
        // page into a clear error instead of paths with replacement characters that match no file.
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            using var reader = new StreamReader(listPath, encoding, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException(
                $"The list '{listPath}' is not UTF-8 text. Save it as UTF-8 and import it again.", e);
        }
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(new[] { '\r', '\n' });
        return end < 0 ? text : text[..end];
    }

    /// <summary>The position of each known column in the header, or -1 when it is absent.</summary>
    private static int[] ReadHeader(string listPath, DelimitedRecord header, char delimiter, Action<string>? onWarning)
    {
        int[] columns = Enumerable.Repeat(-1, KnownColumns.Length).ToArray();
        for (int i = 0; i < header.Fields.Length; i++)
        {
            string name = header.Fields[i];
            int known = Array.FindIndex(KnownColumns, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known < 0)
            {
                onWarning?.Invoke($"The column '{name}' of the list '{listPath}' is not used; only path, class, " +
                                  "group and split are read.");
            }
            else if (columns[known] >= 0)
            {
                throw RowError(listPath, header.Line, $"names the column '{KnownColumns[known]}' twice.");
            }
            else
            {
                columns[known] = i;
            }
        }

        string[] missing = KnownColumns.Take(2).Where((_, i) => columns[i] < 0).ToArray();
        if (missing.Length > 0)
        {
            string separator = delimiter == '\t' ? "tab" : $"'{delimiter}'";
            throw RowError(listPath, header.Line,
                $"has no column {string.Join(" and no column ", missing.Select(m => $"'{m}'"))}. The header read " +
                $"with the separator {separator} names: {string.Join(", ", header.Fields.Select(f => $"'{f}'"))}.");
        }
        return columns;
    }

    private static DataSetListEntry ReadRow(string listPath, string folder, DelimitedRecord record, int[] columns,
        int columnCount, char delimiter)
    {
        if (record.Fields.Length > columnCount)
        {
            string separator = delimiter == '\t' ? "a tab" : $"'{delimiter}'";
            throw RowError(listPath, record.Line,
                $"has {record.Fields.Length} values, but the header names {columnCount} columns. Put a value " +
                $"that holds {separator} in double quotes.");
        }
        string Value(int column) => column >= 0 && column < record.Fields.Length ? record.Fields[column] : "";

        string path = Value(columns[0]);
        if (path.Length == 0)
        {
            throw RowError(listPath, record.Line, "has no path.");
        }
        string className = Value(columns[1]);
        if (className.Length == 0)
        {
            throw RowError(listPath, record.Line, $"has no class for '{path}'.");
        }
        string group = Value(columns[2]);
        SampleSplit split = ParseSplit(listPath, record.Line, Value(columns[3]));

        string fullPath;
        try
        {
            fullPath = System.IO.Path.GetFullPath(path, folder);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InvalidDataException(
                $"Line {record.Line} of the list '{listPath}' has the path '{path}', which is not valid: " +
                e.Message, e);
        }
        return new DataSetListEntry(record.Line, fullPath, className, group.Length == 0 ? null : group, split);
    }

    private static SampleSplit ParseSplit(string listPath, int line, string value) =>
        value.ToLowerInvariant() switch
        {
            "" or "none" => SampleSplit.None,
            "training" or "train" => SampleSplit.Training,
            "validation" or "val" => SampleSplit.Validation,
            "test" => SampleSplit.Test,
            _ => throw RowError(listPath, line,
                $"has the split '{value}', which is none of Training, Validation, Test, None or empty."),
        };

    private static string PathInList(string path, string folder)
    {
        string relative = System.IO.Path.GetRelativePath(folder, path);
        bool below = !System.IO.Path.IsPathRooted(relative) && relative != ".."
                     && !relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return below ? relative.Replace(System.IO.Path.DirectorySeparatorChar, '/') : path;
    }

    private static void AppendRow(StringBuilder text, char delimiter, params string[] values)
    {
        text.AppendJoin(delimiter, values.Select(value => DelimitedText.Quote(value, delimiter)));
        text.Append("\r\n");
    }

    private static bool HasExtension(string path, string extension) =>
        System.IO.Path.GetExtension(path).Equals(extension, StringComparison.OrdinalIgnoreCase);

    private static InvalidDataException RowError(string listPath, int line, string problem) =>
        new($"Line {line} of the list '{listPath}' {problem}");
}
