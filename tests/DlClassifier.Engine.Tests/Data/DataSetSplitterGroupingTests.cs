using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using Xunit;

namespace DlClassifier.Engine.Tests.Data;

public sealed class DataSetSplitterGroupingTests
{
    [Fact]
    public void Split_GroupByFileNamePattern_KeepsEachPartInOneSubsetAndRecordsItsGroup()
    {
        // Ten parts photographed four times each, in two classes.
        var samples = new List<DlSample>();
        for (int part = 0; part < 10; part++)
        {
            for (int view = 0; view < 4; view++)
            {
                int classIndex = part % 2;
                samples.Add(new DlSample($"/fake/c{classIndex}/part{part:D2}_view{view}.png", $"c{classIndex}",
                    classIndex));
            }
        }
        var dataSet = new DlDataSet(new[] { "c0", "c1" }, samples);
        SampleGrouping grouping = SampleGrouping.Parse(@"^(?<group>part\d+)_");

        foreach (int seed in new[] { 1, 2, 3, 4, 5, 6 })
        {
            DlDataSet split = DataSetSplitter.Split(dataSet, 60, 20, seed, grouping);

            foreach (IGrouping<string, DlSample> part in split.Samples.GroupBy(s => s.Path[..^10]))
            {
                Assert.Single(part.Select(s => s.Split).Distinct());
                Assert.All(part, s => Assert.Equal(System.IO.Path.GetFileName(part.Key), s.Group));
            }
            // Five parts of four images per class: 60 % of 20 = 12 training and 20 % = 4 validation, met exactly
            // because every target is a whole number of parts.
            Assert.Equal(new[] { 12, 12 }, split.CountPerClass(SampleSplit.Training));
            Assert.Equal(new[] { 4, 4 }, split.CountPerClass(SampleSplit.Validation));
            Assert.Equal(new[] { 4, 4 }, split.CountPerClass(SampleSplit.Test));
        }
    }

    [Fact]
    public void Split_PatternMissesSomeFileNames_WarnsAndSplitsThemAlone()
    {
        var samples = new[]
        {
            new DlSample("/fake/a/part1_x.png", "a", 0), new DlSample("/fake/a/part1_y.png", "a", 0),
            new DlSample("/fake/a/loose.png", "a", 0), new DlSample("/fake/a/other.png", "a", 0),
        };
        var dataSet = new DlDataSet(new[] { "a" }, samples);
        var reporter = new RecordingReporter();

        DlDataSet split = DataSetSplitter.Split(dataSet, 100, 0, seed: 1, SampleGrouping.Parse(@"^(?<group>part\d)_"),
            reporter);

        Assert.Equal(new[] { "part1", "part1", null, null }, split.Samples.Select(s => s.Group));
        string warning = Assert.Single(reporter.Warnings);
        Assert.StartsWith("2 of 4 file names do not match the pattern", warning);
    }

    [Theory]
    [InlineData("Group")]
    [InlineData("group")]
    [InlineData(" GROUP ")]
    public void Parse_PropertyNameInAnyCase_GroupsByThatProperty(string groupBy)
    {
        SampleGrouping grouping = SampleGrouping.Parse(groupBy);

        Assert.False(grouping.IsPattern);
        Assert.Equal("g7", grouping.GroupOf(new DlSample("/fake/a/1.png", "a", 0, group: "g7")));
        Assert.Null(grouping.GroupOf(new DlSample("/fake/a/1.png", "a", 0)));
    }

    [Fact]
    public void Parse_Pattern_MatchesTheFileNameWithoutItsFolder()
    {
        SampleGrouping grouping = SampleGrouping.Parse(@"^(?<group>[a-z]+)-");

        Assert.True(grouping.IsPattern);
        Assert.Equal("bolt", grouping.GroupOf(new DlSample("/data/good-stuff/bolt-3.png", "good", 0)));
        Assert.Null(grouping.GroupOf(new DlSample("/data/good-stuff/3.png", "good", 0)));
    }

    [Theory]
    [InlineData(@"^part\d+_")]
    [InlineData(@"^(?<part>part\d+)_")]
    [InlineData(@"^(?<group>part\d+")]
    [InlineData("Folder")]
    public void Parse_NeitherPropertyNorPatternWithGroupCapture_ThrowsArgument(string groupBy)
    {
        var error = Assert.Throws<ArgumentException>(() => SampleGrouping.Parse(groupBy));

        Assert.Contains(groupBy, error.Message);
        Assert.Equal("groupBy", error.ParamName);
    }

    [Fact]
    public void Split_DuplicateContent_AlwaysLandsInOneSubset()
    {
        // Forty images in which every fourth file repeats the bytes of the one before it.
        DlSample[] samples = Enumerable.Range(0, 40)
            .Select(i => new DlSample($"/fake/a/{i:D2}.png", "a", 0, contentHash: $"H{(i % 4 == 3 ? i - 1 : i)}"))
            .ToArray();
        var dataSet = new DlDataSet(new[] { "a" }, samples);

        foreach (int seed in Enumerable.Range(1, 20))
        {
            DlDataSet split = DataSetSplitter.Split(dataSet, 60, 20, seed);

            foreach (IGrouping<string?, DlSample> copies in split.Samples.GroupBy(s => s.ContentHash))
            {
                Assert.Single(copies.Select(s => s.Split).Distinct());
            }
        }
    }

    [Fact]
    public void Split_DuplicatesAcrossGroupsAndClasses_JoinTheirUnitsTransitively()
    {
        // g1 = {a1, a2}; a2 has the bytes of b1, which shares group g2 with b2; so all four are one unit.
        var samples = new List<DlSample>
        {
            new("/fake/a/a1.png", "a", 0, group: "g1", contentHash: "A1"),
            new("/fake/a/a2.png", "a", 0, group: "g1", contentHash: "SAME"),
            new("/fake/b/b1.png", "b", 1, group: "g2", contentHash: "same"),
            new("/fake/b/b2.png", "b", 1, group: "g2", contentHash: "B2"),
        };
        for (int i = 0; i < 12; i++)
        {
            samples.Add(new DlSample($"/fake/a/x{i:D2}.png", "a", 0, contentHash: $"XA{i}"));
            samples.Add(new DlSample($"/fake/b/x{i:D2}.png", "b", 1, contentHash: $"XB{i}"));
        }
        var dataSet = new DlDataSet(new[] { "a", "b" }, samples);

        foreach (int seed in Enumerable.Range(1, 20))
        {
            DlDataSet split = DataSetSplitter.Split(dataSet, 50, 25, seed);

            Assert.Single(split.Samples.Take(4).Select(s => s.Split).Distinct());
        }
    }

    [Fact]
    public void Split_ClassWithFewerUnitsThanSubsets_GoesToTrainingWithWarningNamingIt()
    {
        // "tiny" has two images, "grouped" five images of two objects, "full" ten images: 7/2/1 (1.5 → 2).
        var samples = new List<DlSample>
        {
            new("/fake/tiny/1.png", "tiny", 0), new("/fake/tiny/2.png", "tiny", 0),
        };
        samples.AddRange(Enumerable.Range(0, 5)
            .Select(i => new DlSample($"/fake/grouped/{i}.png", "grouped", 1, group: i < 3 ? "p" : "q")));
        samples.AddRange(Enumerable.Range(0, 10).Select(i => new DlSample($"/fake/full/{i}.png", "full", 2)));
        var dataSet = new DlDataSet(new[] { "tiny", "grouped", "full" }, samples);
        var reporter = new RecordingReporter();

        DlDataSet split = DataSetSplitter.Split(dataSet, 70, 15, seed: 3, reporter: reporter);

        Assert.Equal(new[] { 2, 5, 7 }, split.CountPerClass(SampleSplit.Training));
        Assert.Equal(new[] { 0, 0, 2 }, split.CountPerClass(SampleSplit.Validation));
        Assert.Equal(new[] { 0, 0, 1 }, split.CountPerClass(SampleSplit.Test));
        Assert.Equal(2, reporter.Warnings.Count);
        Assert.StartsWith("The class 'tiny' has too few images", reporter.Warnings.First());
        Assert.StartsWith("The class 'grouped' has too few images", reporter.Warnings.Last());
    }

    [Theory]
    [InlineData(1, 70, 30, 1, 0)] // Two subsets asked for: one image is too few.
    [InlineData(2, 70, 30, 1, 1)] // Two images are enough: 1.4 → 1 and 0.6 → 1.
    [InlineData(2, 100, 0, 2, 0)] // Training alone: never too small.
    public void Split_NoTestShare_TwoUnitsSuffice(int count, double trainingPercent, double validationPercent,
        int training, int validation)
    {
        DlSample[] samples = Enumerable.Range(0, count).Select(i => new DlSample($"/fake/a/{i}.png", "a", 0)).ToArray();
        var reporter = new RecordingReporter();

        DlDataSet split = DataSetSplitter.Split(new DlDataSet(new[] { "a" }, samples), trainingPercent,
            validationPercent, seed: 1, reporter: reporter);

        Assert.Equal((training, validation, 0), (split.TrainingCount, split.ValidationCount, split.TestCount));
        Assert.Equal(count == 1 && validationPercent > 0 ? 1 : 0, reporter.Warnings.Count);
    }

    [Fact]
    public void Split_AnyDataSet_ReportsTheCountsOfEveryClass()
    {
        var samples = Enumerable.Range(0, 10).Select(i => new DlSample($"/fake/a/{i}.png", "a", 0))
            .Concat(Enumerable.Range(0, 20).Select(i => new DlSample($"/fake/b/{i}.png", "b", 1)))
            .ToArray();
        var reporter = new RecordingReporter();

        DataSetSplitter.Split(new DlDataSet(new[] { "a", "b" }, samples), 70, 15, seed: 1, reporter: reporter);

        Assert.Equal(new[]
        {
            "Class 'a': 7 training, 2 validation, 1 test.", "Class 'b': 14 training, 3 validation, 3 test.",
        }, reporter.Messages);
        Assert.Empty(reporter.Warnings);
    }

    [Fact]
    public void Split_ImportedDataSetWhoseFilesAreGone_SplitsAgainWithoutReadingThem()
    {
        using var folder = new TemporaryFolder("resplit");
        for (int i = 0; i < 6; i++)
        {
            TestImages.WriteFlatGreyPng(folder.Combine("dark", $"{i}.png"), 3, 2, (byte)(10 + i));
            TestImages.WriteFlatGreyPng(folder.Combine("light", $"{i}.png"), 3, 2, (byte)(200 + i));
        }
        DlDataSet first = DataSetSplitter.Split(DataSetImporter.ImportFolders(new[] { folder.Path }), 50, 25, seed: 1);
        Directory.Delete(folder.Combine("dark"), recursive: true);
        Directory.Delete(folder.Combine("light"), recursive: true);

        DlDataSet second = DataSetSplitter.Split(first, 50, 25, seed: 2);

        // Per class of six: 3 training, 1.5 → 2 validation, 1 test.
        Assert.Equal((6, 4, 2), (second.TrainingCount, second.ValidationCount, second.TestCount));
        Assert.Equal(first.Samples.Select(s => (s.Path, s.Width, s.Height, s.Channels, s.ContentHash)),
            second.Samples.Select(s => (s.Path, s.Width, s.Height, s.Channels, s.ContentHash)));
        Assert.All(second.Samples, s => Assert.Equal(64, s.ContentHash!.Length));
    }
}
