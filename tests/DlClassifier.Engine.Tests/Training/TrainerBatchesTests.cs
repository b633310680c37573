using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

public sealed class TrainerBatchesTests
{
    [Theory]
    [InlineData(2, 4, new[] { 2 })]
    [InlineData(4, 4, new[] { 4 })]
    [InlineData(5, 4, new[] { 5 })]
    [InlineData(8, 4, new[] { 4, 4 })]
    [InlineData(9, 4, new[] { 4, 5 })]
    [InlineData(10, 4, new[] { 4, 4, 2 })]
    [InlineData(7, 3, new[] { 3, 4 })]
    [InlineData(12, 5, new[] { 5, 5, 2 })]
    [InlineData(3, 1, new[] { 1, 2 })]
    [InlineData(65, 64, new[] { 65 })]
    [InlineData(129, 64, new[] { 64, 65 })]
    public void Batches_OrderAndBatchSize_GiveExpectedSizesWithoutLoneLastImage(int count, int batchSize,
        int[] expectedSizes)
    {
        int[] order = ShuffledOrder(count);

        List<int[]> batches = Trainer.Batches(order, batchSize);

        Assert.Equal(expectedSizes, batches.Select(b => b.Length));
        Assert.Equal(order, batches.SelectMany(b => b));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(17, 4)]
    [InlineData(33, 8)]
    [InlineData(100, 7)]
    [InlineData(100, 200)]
    public void Batches_AnySize_UseEveryIndexExactlyOnce(int count, int batchSize)
    {
        List<int[]> batches = Trainer.Batches(ShuffledOrder(count), batchSize);

        Assert.Equal(Enumerable.Range(0, count), batches.SelectMany(b => b).Order());
        Assert.All(batches.Take(batches.Count - 1), b => Assert.Equal(batchSize, b.Length));
        if (batches.Count > 1)
        {
            Assert.True(batches[^1].Length >= 2, $"The last batch holds {batches[^1].Length} image(s).");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Batches_SingleImage_IsRepeatedIntoABatchOfTwo(int batchSize)
    {
        List<int[]> batches = Trainer.Batches(new[] { 0 }, batchSize);

        Assert.Equal(new[] { new[] { 0, 0 } }, batches);
    }

    [Fact]
    public void Batches_NoImage_GivesNoBatch()
    {
        Assert.Empty(Trainer.Batches(Array.Empty<int>(), 4));
    }

    /// <summary>0 … count−1 in a fixed mixed order, so that batches of positions instead of values show.</summary>
    private static int[] ShuffledOrder(int count)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        new Random(count).Shuffle(order);
        return order;
    }
}
