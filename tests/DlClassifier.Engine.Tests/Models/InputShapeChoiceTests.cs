using DlClassifier.Engine.Data;
using DlClassifier.Engine.Models;
using Xunit;

namespace DlClassifier.Engine.Tests.Models;

public sealed class InputShapeChoiceTests
{
    [Fact]
    public void FromDataSet_OneSizeMostCommon_TakesIt()
    {
        DlDataSet dataSet = DataSetOf((16, 12, 1), (16, 12, 1), (16, 12, 1), (20, 20, 3));

        InputShapeChoice choice = InputShapeChoice.FromDataSet(dataSet);

        Assert.Equal(new InputShapeChoice(new ImageShape(16, 12, 1), 3, 4, 1), choice);
        Assert.Equal("The input size is 16×12, the most common size (3 of 4 images).", choice.Describe());
    }

    [Fact]
    public void FromDataSet_NoSizeRepeatsAndOneStrayPixel_TakesTheSizeNearestTheMedianArea()
    {
        // Areas 1, 784, 900, 1024 and 4096: the median is 900, so 30×30 wins, not the smallest 1×1.
        DlDataSet dataSet = DataSetOf((1, 1, 1), (28, 28, 1), (30, 30, 1), (32, 32, 1), (64, 64, 1));

        InputShapeChoice choice = InputShapeChoice.FromDataSet(dataSet);

        Assert.Equal(new InputShapeChoice(new ImageShape(30, 30, 1), 1, 5, 5), choice);
        Assert.Equal("The input size is 30×30: 5 sizes have 1 of 5 images each, and of those it is nearest the " +
                     "median image area.", choice.Describe());
    }

    [Fact]
    public void FromDataSet_TwoSizesTied_TakesTheOneNearestTheMedianAreaOfAllImages()
    {
        // 8×8 and 40×40 have two images each; with the 36×36 image the median area is 1296, nearer 1600 than 64.
        DlDataSet dataSet = DataSetOf((8, 8, 1), (8, 8, 1), (40, 40, 1), (40, 40, 1), (36, 36, 1));

        Assert.Equal(new ImageShape(40, 40, 1), InputShapeChoice.FromDataSet(dataSet).Shape);
    }

    [Fact]
    public void FromDataSet_TwoSizesTiedAtEqualDistanceFromTheMedian_TakesTheLarger()
    {
        // Areas 100, 100, 200, 300, 300: the median 200 lies 100 from both tied sizes.
        DlDataSet dataSet = DataSetOf((10, 10, 1), (10, 10, 1), (20, 10, 1), (30, 10, 1), (30, 10, 1));

        Assert.Equal(new ImageShape(30, 10, 1), InputShapeChoice.FromDataSet(dataSet).Shape);
    }

    [Theory]
    [InlineData(1, 28)]
    [InlineData(10, 20)]
    public void FromDataSet_TwoImagesOfDifferentSizes_TakesTheLarger(int small, int large)
    {
        // Of an even count the upper median is used, so a stray small image cannot win against one real one.
        DlDataSet dataSet = DataSetOf((small, small, 1), (large, large, 1));

        Assert.Equal(new ImageShape(large, large, 1), InputShapeChoice.FromDataSet(dataSet).Shape);
    }

    [Fact]
    public void FromDataSet_ChannelsTied_TakesColour()
    {
        DlDataSet dataSet = DataSetOf((16, 16, 1), (16, 16, 3));

        Assert.Equal(3, InputShapeChoice.FromDataSet(dataSet).Shape.Channels);
    }

    [Fact]
    public void FromDataSet_EmptyDataSet_Throws()
    {
        var dataSet = new DlDataSet(new[] { "a", "b" }, Array.Empty<DlSample>());

        Assert.Throws<ArgumentException>(() => InputShapeChoice.FromDataSet(dataSet));
    }

    [Theory]
    [InlineData(NetworkArchitecture.CompactCnn, 8)]
    [InlineData(NetworkArchitecture.ResNet18, 32)]
    [InlineData(NetworkArchitecture.ResNet50, 32)]
    [InlineData(NetworkArchitecture.MobileNetV2, 32)]
    [InlineData(NetworkArchitecture.CntkResNet18, 224)]
    public void MinimumSide_Architecture_IsTheSmallestSideItTakes(NetworkArchitecture architecture, int expected)
    {
        Assert.Equal(expected, NetworkFactory.MinimumSide(architecture));
    }

    private static DlDataSet DataSetOf(params (int Width, int Height, int Channels)[] shapes) =>
        new(new[] { "a", "b" }, shapes.Select((s, i) => new DlSample($"/images/{i}.png", i % 2 == 0 ? "a" : "b",
            i % 2, width: s.Width, height: s.Height, channels: s.Channels)).ToArray());
}
