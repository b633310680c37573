using DlClassifier.Engine.Data;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

[Collection("Native")]
public sealed class ImageCacheTests : IClassFixture<SyntheticImageSet>
{
    private const int ImageBytes = 16 * 16;

    private readonly SyntheticImageSet images;

    public ImageCacheTests(SyntheticImageSet images)
    {
        this.images = images;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(ImageBytes - 1, 0)]
    [InlineData(3 * ImageBytes + 5, 3)]
    [InlineData(1L << 30, 12)]
    public void Load_Budget_KeepsTheImagesThatFit(long budget, int held)
    {
        using DlClassifier classifier = images.NewClassifier();

        ImageCache cache = Load(classifier, budget);

        Assert.Equal((12, held, (long)held * ImageBytes), (cache.Count, cache.HeldCount, cache.HeldBytes));
    }

    [Fact]
    public void InBatches_KeptAndStreamedImages_AreTheSameBytesAsTheReaderGives()
    {
        using DlClassifier classifier = images.NewClassifier();
        ImageCache cache = Load(classifier, 5 * ImageBytes);
        var batches = new List<int[]> { new[] { 11, 0, 4 }, new[] { 5, 6 }, new[] { 3, 10, 2, 1, 9, 8, 7 } };

        List<byte[][]> read = cache.InBatches(batches, CancellationToken.None).ToList();

        for (int b = 0; b < batches.Count; b++)
        {
            for (int i = 0; i < batches[b].Length; i++)
            {
                float[] expected = ImageReader.ReadPlanar(cache.Samples[batches[b][i]].Path, 16, 16, 1);
                Assert.Equal(expected, PixelBytes.ToUnit(read[b][i]));
            }
        }
    }

    [Fact]
    public void Load_AnyBudget_CountsEveryValueOfEveryImage()
    {
        using DlClassifier classifier = images.NewClassifier();

        ImageCache none = Load(classifier, 0);
        ImageCache all = Load(classifier, 1L << 30);

        Assert.Equal(12L * ImageBytes, none.ValueCounts.Sum());
        Assert.Equal(none.ValueCounts, all.ValueCounts);
    }

    [Fact]
    public void InBatches_StreamedImageDeletedAfterLoading_ThrowsWhenItsBatchIsTaken()
    {
        using var folder = new TemporaryFolder("cache-missing");
        string[] paths = Enumerable.Range(0, 4)
            .Select(i => TestImages.WriteHalfBright(folder.Combine("left", $"{i}.png"), true, i)).ToArray();
        DlSample[] samples = paths.Select(p => new DlSample(p, "left", 0)).ToArray();
        using DlClassifier classifier = images.NewClassifier();
        ImageCache cache = ImageCache.Load(classifier, samples, 0, "Reading", NullReporter.Instance,
            CancellationToken.None);
        File.Delete(paths[3]);

        using IEnumerator<byte[][]> batches = cache.InBatches(new[] { new[] { 0, 1 }, new[] { 2, 3 } },
            CancellationToken.None).GetEnumerator();

        Assert.True(batches.MoveNext());
        // The image reader reports a vanished file as unreadable data, naming it, like any other bad image.
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => batches.MoveNext());
        Assert.Contains(paths[3], error.Message);
    }

    [Fact]
    public void Train_CacheOfNothingOrOfEverything_GivesIdenticalResults()
    {
        DlTrainingResult Train(int megabytes)
        {
            DlClassifierParam parameters = SyntheticImageSet.QuickParameters(epochs: 3);
            parameters.CacheMegabytes = megabytes;
            parameters.AugmentationPercentage = 70;
            parameters.BrightnessVariation = 20;
            parameters.RotationRange = 10;
            using DlClassifier classifier = images.NewClassifier(parameters);
            return Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        }

        DlTrainingResult streamed = Train(0);
        DlTrainingResult cached = Train(2048);

        Assert.Equal(cached.History.Select(r => (r.TrainingLoss, r.ValidationLoss, r.TrainingError)),
            streamed.History.Select(r => (r.TrainingLoss, r.ValidationLoss, r.TrainingError)));
    }

    private ImageCache Load(DlClassifier classifier, long budget) =>
        ImageCache.Load(classifier, images.DataSet.InSplit(SampleSplit.Training), budget, "Reading",
            NullReporter.Instance, CancellationToken.None);
}
