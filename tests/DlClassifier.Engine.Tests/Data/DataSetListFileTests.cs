using System.Globalization;
using System.Text;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using Xunit;

namespace DlClassifier.Engine.Tests.Data;

public sealed class DataSetListFileTests : IDisposable
{
    private readonly TemporaryFolder folder = new("list");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Read_CommaSeparatedList_GivesEveryRowWithFullPaths()
    {
        string list = WriteList("images.csv",
            "Path,CLASS,Group,Split\n" +
            "bolts/a.png,bolt,part-1,Training\n" +
            "/elsewhere/b.png,nut,,validation\n" +
            "../c.png,bolt,part-1,TEST\n" +
            "d.png,nut,,\n");

        IReadOnlyList<DataSetListEntry> entries = DataSetListFile.Read(list);

        Assert.Equal(new[]
        {
            new DataSetListEntry(2, Path.Combine(folder.Path, "bolts", "a.png"), "bolt", "part-1",
                SampleSplit.Training),
            new DataSetListEntry(3, "/elsewhere/b.png", "nut", null, SampleSplit.Validation),
            new DataSetListEntry(4, Path.GetFullPath(Path.Combine(folder.Path, "..", "c.png")), "bolt", "part-1",
                SampleSplit.Test),
            new DataSetListEntry(5, Path.Combine(folder.Path, "d.png"), "nut", null, SampleSplit.None),
        }, entries);
    }

    [Fact]
    public void Read_ColumnsInAnotherOrderWithoutOptionalOnes_AreFoundByName()
    {
        string list = WriteList("images.csv", "class,path\nbolt,a.png\n");

        DataSetListEntry entry = Assert.Single(DataSetListFile.Read(list));

        Assert.Equal(new DataSetListEntry(2, Path.Combine(folder.Path, "a.png"), "bolt", null, SampleSplit.None),
            entry);
    }

    [Theory]
    [InlineData("list.csv", "path,class", ',')]
    [InlineData("list.csv", "path\tclass", ',')]
    [InlineData("list.CSV", "path;class", ';')]
    [InlineData("list.csv", "path,class;x", ',')]
    [InlineData("list.tsv", "path,class", '\t')]
    [InlineData("list.TSV", "path;class", '\t')]
    [InlineData("list.txt", "path\tclass", '\t')]
    [InlineData("list.txt", "path;class", ';')]
    [InlineData("list.txt", "path,class", ',')]
    [InlineData("list", "path class", ',')]
    public void DelimiterFor_ExtensionAndHeader_ChooseTheDelimiter(string name, string header, char expected)
    {
        Assert.Equal(expected, DataSetListFile.DelimiterFor(name, header));
    }

    [Fact]
    public void Read_TabSeparatedList_KeepsCommasInValues()
    {
        string list = WriteList("images.tsv", "path\tclass\tgroup\na, b.png\tnut, hex\tlot 1,2\n");

        DataSetListEntry entry = Assert.Single(DataSetListFile.Read(list));

        Assert.Equal((Path.Combine(folder.Path, "a, b.png"), "nut, hex", "lot 1,2"),
            (entry.Path, entry.ClassName, entry.Group));
    }

    [Fact]
    public void Read_SemicolonSeparatedCsv_IsReadAsSpreadsheetsWriteIt()
    {
        string list = WriteList("images.csv", "path;class;split\na.png;bolt;test\n");

        DataSetListEntry entry = Assert.Single(DataSetListFile.Read(list));

        Assert.Equal(("bolt", SampleSplit.Test), (entry.ClassName, entry.Split));
    }

    [Fact]
    public void Read_QuotedValues_HoldDelimitersQuotesAndLineBreaks()
    {
        string list = WriteList("images.csv",
            "path,class\r\n" +
            "\"a,b.png\",\"say \"\"cheese\"\"\"\r\n" +
            "\"two\nlines.png\",bolt\r\n" +
            "\" padded.png \",  trimmed  \r\n" +
            "last.png,nut\r\n");

        IReadOnlyList<DataSetListEntry> entries = DataSetListFile.Read(list);

        Assert.Equal(new[] { 2, 3, 5, 6 }, entries.Select(e => e.Line));
        Assert.Equal(new[] { "a,b.png", "two\nlines.png", " padded.png ", "last.png" },
            entries.Select(e => Path.GetFileName(e.Path)));
        Assert.Equal(new[] { "say \"cheese\"", "bolt", "trimmed", "nut" }, entries.Select(e => e.ClassName));
    }

    [Fact]
    public void Read_ByteOrderMarkAndNonAsciiNames_AreReadAsUtf8()
    {
        string list = folder.Combine("images.csv");
        File.WriteAllText(list, "path,class\nbilder/äpfel.png,Äpfel\n",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        DataSetListEntry entry = Assert.Single(DataSetListFile.Read(list));

        Assert.Equal((Path.Combine(folder.Path, "bilder", "äpfel.png"), "Äpfel"), (entry.Path, entry.ClassName));
    }

    [Fact]
    public void Read_Latin1Text_IsRefusedAsNotUtf8()
    {
        string list = folder.Combine("images.csv");
        File.WriteAllBytes(list, Encoding.Latin1.GetBytes("path,class\näpfel.png,apple\n"));

        var error = Assert.Throws<InvalidDataException>(() => DataSetListFile.Read(list));

        Assert.Equal($"The list '{list}' is not UTF-8 text. Save it as UTF-8 and import it again.", error.Message);
    }

    [Fact]
    public void Read_SplitNamesUnderTurkishCulture_AreStillRecognised()
    {
        // In Turkish, "I".ToLower() is a dotless ı; the names must be compared without the current culture.
        string list = WriteList("images.csv", "PATH,CLASS,SPLIT\na.png,x,VALIDATION\nb.png,x,TRAINING\n");
        CultureInfo previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("tr-TR");
        try
        {
            Assert.Equal(new[] { SampleSplit.Validation, SampleSplit.Training },
                DataSetListFile.Read(list).Select(e => e.Split));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("train", SampleSplit.Training)]
    [InlineData("Val", SampleSplit.Validation)]
    [InlineData("NONE", SampleSplit.None)]
    [InlineData("", SampleSplit.None)]
    public void Read_SplitAliases_AreAccepted(string value, SampleSplit expected)
    {
        string list = WriteList("images.csv", $"path,class,split\na.png,x,{value}\n");

        Assert.Equal(expected, Assert.Single(DataSetListFile.Read(list)).Split);
    }

    [Theory]
    [InlineData("tran")]
    [InlineData("1")]
    [InlineData("Trainings")]
    public void Read_UnknownSplit_ThrowsNamingTheLine(string value)
    {
        string list = WriteList("images.csv", $"path,class,split\na.png,x,test\n\nb.png,x,{value}\n");

        var error = Assert.Throws<InvalidDataException>(() => DataSetListFile.Read(list));

        Assert.Equal($"Line 4 of the list '{list}' has the split '{value}', which is none of Training, Validation, " +
                     "Test, None or empty.", error.Message);
    }

    [Fact]
    public void Read_HeaderWithoutClassColumn_ThrowsNamingTheColumnsFound()
    {
        string list = WriteList("images.csv", "path;label\na.png;x\n");

        var error = Assert.Throws<InvalidDataException>(() => DataSetListFile.Read(list));

        Assert.Equal($"Line 1 of the list '{list}' has no column 'class'. The header read with the separator ';' " +
                     "names: 'path', 'label'.", error.Message);
    }

    [Theory]
    [InlineData("path,class\na.png,x,extra\n", "has 3 values, but the header names 2 columns. Put a value that holds " +
                                                "',' in double quotes.")]
    [InlineData("path,class\n,x\n", "has no path.")]
    [InlineData("path,class\na.png,\n", "has no class for 'a.png'.")]
    [InlineData("path,class\na.png,x\n./a.png,y\n", "names '{folder}/a.png', which line 2 names already. List every " +
                                                     "image once.")]
    public void Read_MalformedRow_ThrowsNamingTheLine(string text, string problem)
    {
        string list = WriteList("images.csv", text);
        int line = text.Split('\n').Length - 1;

        var error = Assert.Throws<InvalidDataException>(() => DataSetListFile.Read(list));

        Assert.Equal($"Line {line} of the list '{list}' {problem.Replace("{folder}", folder.Path)}", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("path,class\n")]
    public void Read_ListWithoutRows_Throws(string text)
    {
        string list = WriteList("images.csv", text);

        var error = Assert.Throws<InvalidDataException>(() => DataSetListFile.Read(list));

        Assert.Contains($"'{list}'", error.Message);
    }

    [Fact]
    public void Read_UnclosedQuote_ThrowsNamingItsLine()
    {
        string list = WriteList("images.csv", "path,class\na.png,x\n\"b.png,y\n");

        var error = Assert.Throws<InvalidDataException>(() => DataSetListFile.Read(list));

        Assert.Equal($"The list '{list}' cannot be read: The quoted value that starts on line 3 is never closed.",
            error.Message);
    }

    [Fact]
    public void Read_UnknownColumn_IsIgnoredWithAWarning()
    {
        string list = WriteList("images.csv", "path,class,grup\na.png,x,g\n");
        var warnings = new List<string>();

        DataSetListEntry entry = Assert.Single(DataSetListFile.Read(list, warnings.Add));

        Assert.Null(entry.Group);
        Assert.Equal(new[] { $"The column 'grup' of the list '{list}' is not used; only path, class, group and split " +
                             "are read." }, warnings);
    }

    [Fact]
    public void Write_Samples_GivesRelativePathsBelowTheFolderAndQuotesWhereNeeded()
    {
        string list = folder.Combine("out", "images.csv");
        DlSample[] samples =
        {
            new(folder.Combine("out", "bolts", "a.png"), "bolt", 0, SampleSplit.Training, "lot 1"),
            new(folder.Combine("elsewhere", "b,c.png"), "nut \"hex\"", 1, SampleSplit.Test),
            new(folder.Combine("out", " space.png"), "bolt", 0),
        };

        DataSetListFile.Write(list, samples);

        Assert.Equal(
            "path,class,group,split\r\n" +
            "bolts/a.png,bolt,lot 1,Training\r\n" +
            $"\"{folder.Path}/elsewhere/b,c.png\",\"nut \"\"hex\"\"\",,Test\r\n" +
            "\" space.png\",bolt,,\r\n",
            File.ReadAllText(list));
        Assert.False(File.ReadAllBytes(list).AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
    }

    [Fact]
    public void Write_TsvName_SeparatesWithTabs()
    {
        string list = folder.Combine("images.tsv");

        DataSetListFile.Write(list, new[] { new DlSample(folder.Combine("a,b.png"), "x", 0, SampleSplit.Validation) });

        Assert.Equal("path\tclass\tgroup\tsplit\r\na,b.png\tx\t\tValidation\r\n", File.ReadAllText(list));
    }

    [Fact]
    public void WriteThenRead_AwkwardNames_RoundTripExactly()
    {
        string list = folder.Combine("images.csv");
        DlSample[] samples =
        {
            new(folder.Combine("a.png"), "bolt", 0, SampleSplit.Training, "g1"),
            new(folder.Combine("sub", "quote\"comma,semi;tab\tline\nbreak.png"), " spaced ", 1, SampleSplit.Validation),
            new(folder.Combine("ünïcödé", "日本.png"), "Äpfel", 2, SampleSplit.Test, " g 2 "),
            new("/outside/z.png", "bolt", 0),
        };

        DataSetListFile.Write(list, samples);
        IReadOnlyList<DataSetListEntry> entries = DataSetListFile.Read(list);

        Assert.Equal(samples.Select(s => (s.Path, s.ClassName, s.Group, s.Split)),
            entries.Select(e => (e.Path, e.ClassName, e.Group, e.Split)));
    }

    private string WriteList(string name, string text)
    {
        string path = folder.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }
}
