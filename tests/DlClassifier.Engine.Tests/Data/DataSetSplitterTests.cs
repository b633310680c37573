using DlClassifier.Engine.Data;
using Xunit;

namespace DlClassifier.Engine.Tests.Data;

public sealed class DataSetSplitterTests
{
    [Theory]
    [InlineData(1, 70, 15, 1, 0, 0)]
    [InlineData(2, 70, 15, 2, 0, 0)]
    [InlineData(3, 70, 15, 2, 0, 1)]
    [InlineData(7, 70, 15, 5, 1, 1)]
    [InlineData(10, 70, 15, 7, 2, 1)]
    [InlineData(20, 70, 15, 14, 3, 3)]
    [InlineData(33, 70, 15, 23, 5, 5)]
    [InlineData(1, 80, 20, 1, 0, 0)]
    [InlineData(2, 80, 20, 2, 0, 0)]
    [InlineData(3, 80, 20, 2, 1, 0)]
    [InlineData(7, 80, 20, 6, 1, 0)]
    [InlineData(10, 80, 20, 8, 2, 0)]
    [InlineData(20, 80, 20, 16, 4, 0)]
    [InlineData(33, 80, 20, 26, 7, 0)]
    [InlineData(1, 60, 20, 1, 0, 0)]
    [InlineData(2, 60, 20, 2, 0, 0)]
    [InlineData(3, 60, 20, 2, 1, 0)]
    [InlineData(7, 60, 20, 4, 1, 2)]
    [InlineData(10, 60, 20, 6, 2, 2)]
    [InlineData(20, 60, 20, 12, 4, 4)]
    [InlineData(33, 60, 20, 20, 7, 6)]
    public void Split_OneClass_CountsFollowRoundingRule(int count, double trainingPercent, double validationPercent,
        int training, int validation, int test)
    {
        // n·t/100 and n·v/100 rounded with halves away from zero, e.g. 33·60/100 = 19.8 → 20 and
        // 33·20/100 = 6.6 → 7, leaving 33 − 20 − 7 = 6 for test. Classes of one or two images are too small
        // for three subsets and go to training whole; with no test share, two images are enough.
        DlDataSet dataSet = MakeDataSet(count);

        DlDataSet split = DataSetSplitter.Split(dataSet, trainingPercent, validationPercent, seed: 1);

        Assert.Equal((training, validation, test), (split.TrainingCount, split.ValidationCount, split.TestCount));
    }

    [Theory]
    [InlineData(5, 70, 10, 4, 1, 0)] // 3.5 → 4 and 0.5 → 1: halves go up.
    [InlineData(10, 45, 25, 5, 3, 2)] // 4.5 → 5 and 2.5 → 3.
    [InlineData(1, 50, 50, 1, 0, 0)] // 0.5 → 1 and 0.5 → 1 exceed 1: validation gives way.
    [InlineData(3, 50, 50, 2, 1, 0)] // 1.5 → 2 and 1.5 → 2 exceed 3: validation keeps 1.
    [InlineData(5, 50, 50, 3, 2, 0)] // 2.5 → 3 and 2.5 → 3 exceed 5: validation keeps 2.
    [InlineData(4, 100, 0, 4, 0, 0)]
    public void Split_HalvesAndOverflow_TrainingRoundsUpAndValidationGivesWay(int count, double trainingPercent,
        double validationPercent, int training, int validation, int test)
    {
        DlDataSet dataSet = MakeDataSet(count);

        DlDataSet split = DataSetSplitter.Split(dataSet, trainingPercent, validationPercent, seed: 3);

        Assert.Equal((training, validation, test), (split.TrainingCount, split.ValidationCount, split.TestCount));
    }

    [Fact]
    public void Split_ClassesOfDifferentSizes_EachClassIsSplitOnItsOwn()
    {
        // Class 0: 10 → 7/2/1 (1.5 rounds to 2); class 1: 20 → 14/3/3; class 2: 3 → 2/0/1.
        DlDataSet dataSet = MakeDataSet(10, 20, 3);

        DlDataSet split = DataSetSplitter.Split(dataSet, 70, 15, seed: 5);

        Assert.Equal(new[] { 7, 14, 2 }, split.CountPerClass(SampleSplit.Training));
        Assert.Equal(new[] { 2, 3, 0 }, split.CountPerClass(SampleSplit.Validation));
        Assert.Equal(new[] { 1, 3, 1 }, split.CountPerClass(SampleSplit.Test));
    }

    [Fact]
    public void Split_ImportedDataSet_KeepsImportReportAndRoots()
    {
        DlDataSet made = MakeDataSet(4, 6);
        var classCounts = new Dictionary<string, int> { ["class0"] = 4, ["class1"] = 6 };
        var report = new DlImportReport(new[] { "/fake" }, classCounts,
            Array.Empty<SkippedFile>(), Array.Empty<ImportProblem>(), Array.Empty<DuplicateGroup>(),
            new[] { "a warning" });
        var dataSet = new DlDataSet(made.ClassNames, made.Samples, new[] { "/fake" }, report);

        DlDataSet split = DataSetSplitter.Split(dataSet, 60, 20, seed: 1);

        Assert.Same(report, split.ImportReport);
        Assert.Equal(new[] { "/fake" }, split.Roots);
        Assert.Equal(10, split.Count);
    }

    [Fact]
    public void Split_SameSeed_GivesIdenticalAssignment()
    {
        DlDataSet dataSet = MakeDataSet(20, 13);

        DlDataSet first = DataSetSplitter.Split(dataSet, 60, 20, seed: 17);
        DlDataSet second = DataSetSplitter.Split(dataSet, 60, 20, seed: 17);

        Assert.Equal(SplitByPath(first), SplitByPath(second));
    }

    [Fact]
    public void Split_DifferentSeed_GivesDifferentAssignment()
    {
        DlDataSet dataSet = MakeDataSet(20, 13);

        DlDataSet first = DataSetSplitter.Split(dataSet, 60, 20, seed: 17);
        DlDataSet second = DataSetSplitter.Split(dataSet, 60, 20, seed: 18);

        Assert.NotEqual(SplitByPath(first), SplitByPath(second));
        Assert.Equal(first.CountPerClass(SampleSplit.Training), second.CountPerClass(SampleSplit.Training));
    }

    [Fact]
    public void Split_SamplesInAnotherOrder_GivesSameAssignment()
    {
        DlDataSet dataSet = MakeDataSet(12, 9);
        DlSample[] reordered = dataSet.Samples.Reverse().Where((_, i) => i % 2 == 0)
            .Concat(dataSet.Samples.Reverse().Where((_, i) => i % 2 == 1)).ToArray();
        var shuffled = new DlDataSet(dataSet.ClassNames, reordered);

        DlDataSet first = DataSetSplitter.Split(dataSet, 70, 15, seed: 9);
        DlDataSet second = DataSetSplitter.Split(shuffled, 70, 15, seed: 9);

        Assert.Equal(SplitByPath(first), SplitByPath(second));
    }

    [Fact]
    public void Split_AnyDataSet_KeepsEverySampleExactlyOnceInItsOrder()
    {
        DlDataSet dataSet = MakeDataSet(7, 33, 1);

        DlDataSet split = DataSetSplitter.Split(dataSet, 70, 15, seed: 2);

        Assert.Equal(dataSet.Samples.Select(s => s.Path), split.Samples.Select(s => s.Path));
        Assert.All(split.Samples, s => Assert.NotEqual(SampleSplit.None, s.Split));
        Assert.True(split.IsSplit);
        Assert.Equal(dataSet.Count, split.TrainingCount + split.ValidationCount + split.TestCount);
    }

    [Fact]
    public void Split_AnyDataSet_KeepsClassesSizesAndRoots()
    {
        var samples = new[]
        {
            new DlSample("/fake/a/1.png", "a", 0, width: 30, height: 20, channels: 3, group: "g1"),
            new DlSample("/fake/b/1.png", "b", 1, width: 10, height: 40, channels: 1),
        };
        var dataSet = new DlDataSet(new[] { "a", "b" }, samples, new[] { "/fake" });

        DlDataSet split = DataSetSplitter.Split(dataSet, 100, 0, seed: 1);

        Assert.Equal(new[] { "a", "b" }, split.ClassNames);
        Assert.Equal(new[] { "/fake" }, split.Roots);
        DlSample first = split.Samples[0];
        Assert.Equal(("a", 0, 30, 20, 3, "g1"),
            (first.ClassName, first.ClassIndex, first.Width, first.Height, first.Channels, first.Group));
        Assert.Equal(SampleSplit.Training, first.Split);
    }

    [Fact]
    public void Split_SamplesSharingGroup_LandInOneSubset()
    {
        // Groups of three images of one object, one group across both classes, and ungrouped images.
        var samples = new List<DlSample>();
        for (int i = 0; i < 30; i++)
        {
            int classIndex = i % 2;
            string? group = i < 24 ? $"object{i / 3}" : null;
            string path = $"/fake/{classIndex}/{i:D2}.png";
            samples.Add(new DlSample(path, classIndex.ToString(), classIndex, group: group));
        }
        samples.Add(new DlSample("/fake/0/shared-a.png", "0", 0, group: "shared"));
        samples.Add(new DlSample("/fake/1/shared-b.png", "1", 1, group: "shared"));
        var dataSet = new DlDataSet(new[] { "0", "1" }, samples);

        foreach (int seed in new[] { 1, 2, 3, 4, 5 })
        {
            DlDataSet split = DataSetSplitter.Split(dataSet, 60, 20, seed);

            foreach (var group in split.Samples.Where(s => s.Group is not null).GroupBy(s => s.Group))
            {
                Assert.Single(group.Select(s => s.Split).Distinct());
            }
            Assert.Equal(dataSet.Count, split.Count);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Split_GroupedClass_CountsHoldToWithinOneGroup(int groupSize)
    {
        // 30 images in groups of equal size; the targets are 70 % → 21, 15 % → 4.5 → 5, and the rest 4.
        DlSample[] samples = Enumerable.Range(0, 30)
            .Select(i => new DlSample($"/fake/a/{i:D2}.png", "a", 0, group: $"object{i / groupSize}")).ToArray();
        var dataSet = new DlDataSet(new[] { "a" }, samples);

        DlDataSet split = DataSetSplitter.Split(dataSet, 70, 15, seed: 6);

        Assert.InRange(split.TrainingCount, 21, 21 + groupSize - 1);
        Assert.InRange(split.ValidationCount, 5 - groupSize + 1, 5 + groupSize - 1);
        Assert.Equal(30, split.TrainingCount + split.ValidationCount + split.TestCount);
    }

    [Fact]
    public void Split_AnyDataSet_LeavesInputUnchanged()
    {
        DlDataSet dataSet = MakeDataSet(10, 5);
        DlSample[] before = dataSet.Samples.ToArray();

        DataSetSplitter.Split(dataSet, 70, 15, seed: 4);

        Assert.Equal(before, dataSet.Samples);
        Assert.All(dataSet.Samples, s => Assert.Equal(SampleSplit.None, s.Split));
        Assert.False(dataSet.IsSplit);
    }

    [Fact]
    public void Split_AlreadySplitDataSet_IsSplitAnew()
    {
        DlDataSet dataSet = DataSetSplitter.Split(MakeDataSet(10), 100, 0, seed: 1);

        DlDataSet split = DataSetSplitter.Split(dataSet, 70, 15, seed: 1);

        Assert.Equal((7, 2, 1), (split.TrainingCount, split.ValidationCount, split.TestCount));
    }

    [Theory]
    [InlineData(0, 15, "trainingPercent")]
    [InlineData(-10, 15, "trainingPercent")]
    [InlineData(100.5, 0, "trainingPercent")]
    [InlineData(70, -1, "validationPercent")]
    [InlineData(70, 31, "validationPercent")]
    [InlineData(double.NaN, 15, "trainingPercent")]
    [InlineData(70, double.NaN, "validationPercent")]
    [InlineData(double.PositiveInfinity, 0, "trainingPercent")]
    [InlineData(70, double.NegativeInfinity, "validationPercent")]
    public void Split_SharesOutOfRange_ThrowsNamingTheShare(double trainingPercent, double validationPercent,
        string parameter)
    {
        DlDataSet dataSet = MakeDataSet(10);

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => DataSetSplitter.Split(dataSet, trainingPercent, validationPercent, seed: 1));

        Assert.Equal(parameter, error.ParamName);
    }

    /// <summary>A data set with the given number of samples per class; the files need not exist.</summary>
    private static DlDataSet MakeDataSet(params int[] countPerClass)
    {
        string[] classNames = countPerClass.Select((_, i) => $"class{i}").ToArray();
        var samples = new List<DlSample>();
        for (int c = 0; c < countPerClass.Length; c++)
        {
            for (int i = 0; i < countPerClass[c]; i++)
            {
                samples.Add(new DlSample($"/fake/{classNames[c]}/image{i:D3}.png", classNames[c], c));
            }
        }
        return new DlDataSet(classNames, samples);
    }

    private static SortedDictionary<string, SampleSplit> SplitByPath(DlDataSet dataSet) =>
        new(dataSet.Samples.ToDictionary(s => s.Path, s => s.Split), StringComparer.Ordinal);
}
