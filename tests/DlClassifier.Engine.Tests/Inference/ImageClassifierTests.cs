using DlClassifier.Engine.Data;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Inference;

[Collection("Native")]
public sealed class ImageClassifierTests : IClassFixture<TrainedClassifierFixture>, IDisposable
{
    private readonly TrainedClassifierFixture trained;
    private readonly TemporaryFolder folder = new("inference");

    public ImageClassifierTests(TrainedClassifierFixture trained)
    {
        this.trained = trained;
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Probabilities_EveryImage_SumToOne()
    {
        float[][] probabilities = Probabilities(trained.Images.AllPaths, ImageClassifier.DefaultBatchSize);

        Assert.Equal(2 * SyntheticImageSet.ImagesPerClass, probabilities.Length);
        Assert.All(probabilities, p => Assert.Equal(1f, p.Sum(), 1e-5f));
        Assert.All(probabilities, p => Assert.All(p, v => Assert.InRange(v, 0f, 1f)));
    }

    [Fact]
    public void Probabilities_ImageAloneOrInBatchOfEight_AreTheSame()
    {
        string[] eight = trained.Images.AllPaths.Take(8).ToArray();

        float[][] together = Probabilities(eight, 8);

        for (int i = 0; i < eight.Length; i++)
        {
            float[] alone = Probabilities(new[] { eight[i] }, 1)[0];
            Assert.Equal(alone.Length, together[i].Length);
            for (int c = 0; c < alone.Length; c++)
            {
                Assert.Equal(alone[c], together[i][c], 1e-5f);
            }
        }
    }

    [Fact]
    public void Predictor_ImageAloneOrInBatchOfEight_AreTheSame()
    {
        float[][] images = trained.Images.AllPaths.Take(8).Select(p => ImageReader.ReadPlanar(p, 16, 16, 1)).ToArray();

        float[][] together = Predictor.Probabilities(trained.Classifier, images, CPU, 8, CancellationToken.None);
        float[][] alone = Predictor.Probabilities(trained.Classifier, images, CPU, 1, CancellationToken.None);

        for (int i = 0; i < images.Length; i++)
        {
            Assert.All(alone[i].Zip(together[i]), pair => Assert.Equal(pair.First, pair.Second, 1e-5f));
        }
    }

    [Fact]
    public void Probabilities_BatchSizeSmallerThanList_KeepsTheOrder()
    {
        string[] paths = trained.Images.AllPaths;

        float[][] inThrees = Probabilities(paths, 3);
        float[][] inOne = Probabilities(paths, paths.Length);

        for (int i = 0; i < paths.Length; i++)
        {
            Assert.All(inThrees[i].Zip(inOne[i]), pair => Assert.Equal(pair.First, pair.Second, 1e-5f));
        }
    }

    [Fact]
    public void Predict_Images_GiveMostProbableClassAndAllProbabilitiesInClassOrder()
    {
        string[] paths = trained.Images.AllPaths.Take(4).ToArray();

        IReadOnlyList<DlPrediction> predictions = ImageClassifier.Predict(trained.Classifier, paths,
            CancellationToken.None);

        Assert.Equal(paths, predictions.Select(p => p.Path));
        foreach (DlPrediction prediction in predictions)
        {
            string[] keys = prediction.Probabilities.Keys.Cast<string>().ToArray();
            double[] values = prediction.Probabilities.Values.Cast<double>().ToArray();
            Assert.Equal(new[] { "left", "right" }, keys);
            Assert.Equal(1.0, values.Sum(), 1e-5);
            Assert.Equal(values.Max(), prediction.Confidence);
            Assert.Equal(keys[Array.IndexOf(values, values.Max())], prediction.ClassName);
        }
    }

    [Fact]
    public void Probabilities_UnreadableFile_ThrowsInvalidDataNamingIt()
    {
        string broken = Path.Combine(folder.Path, "broken.png");
        File.WriteAllText(broken, "no image here");

        var error = Assert.Throws<InvalidDataException>(
            () => Probabilities(new[] { trained.Images.AllPaths[0], broken }, 2));

        Assert.Contains(broken, error.Message);
    }

    [Fact]
    public void Probabilities_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => ImageClassifier.Probabilities(trained.Classifier,
            trained.Images.AllPaths, "Testing", NullReporter.Instance, cancellation.Token));
    }

    private float[][] Probabilities(IReadOnlyList<string> paths, int batchSize) =>
        ImageClassifier.Probabilities(trained.Classifier, paths, "Testing", NullReporter.Instance,
            CancellationToken.None, batchSize);
}
