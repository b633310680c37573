using System.Text;

namespace DlClassifier.Engine.Data;

/// <summary>One record of a delimited text, with the line on which it starts (1 for the first line).</summary>
internal sealed record DelimitedRecord(int Line, string[] Fields);

/// <summary>
/// Reads and writes comma- or tab-separated text with the quoting of RFC 4180: a value in double quotes may
/// hold the delimiter, line breaks and doubled quotes. Unquoted values are trimmed of surrounding white space,
/// as a list typed by hand often has a space after each comma.
/// </summary>
internal static class DelimitedText
{
    /// <summary>Splits text into records; lines may end in CR LF, LF or CR.</summary>
    /// <exception cref="InvalidDataException">A quoted value is never closed.</exception>
    public static List<DelimitedRecord> Parse(string text, char delimiter)
    {
        var records = new List<DelimitedRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool inQuotes = false;
        bool quoted = false;
        int line = 1;
        int recordLine = 1;

        void EndField()
        {
            string value = field.ToString();
            fields.Add(quoted ? value : value.Trim());
            field.Clear();
            quoted = false;
        }

        void EndRecord()
        {
            EndField();
            records.Add(new DelimitedRecord(recordLine, fields.ToArray()));
            fields.Clear();
            line++;
            recordLine = line;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                    }
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0 && !quoted)
            {
                inQuotes = true;
                quoted = true;
            }
            else if (c == delimiter)
            {
                EndField();
            }
            else if (c == '\r' || c == '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                EndRecord();
            }
            else
            {
                field.Append(c);
            }
        }

        if (inQuotes)
        {
            throw new InvalidDataException($"The quoted value that starts on line {recordLine} is never closed.");
        }
        if (field.Length > 0 || fields.Count > 0 || quoted)
        {
            EndRecord();
        }
        return records;
    }

    /// <summary>A value as it must be written: quoted when it holds the delimiter, a quote, a line break or
    /// leading or trailing white space, which a reader would otherwise split or trim.</summary>
    public static string Quote(string value, char delimiter)
    {
        bool needsQuotes = value.IndexOfAny(new[] { delimiter, '"', '\r', '\n' }) >= 0
                           || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])));
        return needsQuotes ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
