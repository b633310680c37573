using DlClassifier.Engine.Data;
using DlClassifier.Engine.Export.Onnx;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace DlClassifier.Engine.Tests.Export;

/// <summary>A classifier trained on image files, exported and run on the same files read as the metadata says.
/// </summary>
[Collection("Native")]
public sealed class OnnxTrainedClassifierTests : IClassFixture<TrainedClassifierFixture>, IDisposable
{
    private readonly TrainedClassifierFixture trained;
    private readonly TemporaryFolder folder = new("onnx-trained");

    public OnnxTrainedClassifierTests(TrainedClassifierFixture trained)
    {
        this.trained = trained;
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Save_TrainedClassifier_OnnxRuntimeGivesItsProbabilitiesForImageFiles()
    {
        DlClassifier classifier = trained.Classifier;
        string[] paths = trained.Images.AllPaths.Take(6).ToArray();
        string path = Path.Combine(folder.Path, "trained.onnx");

        OnnxExporter.Save(classifier, path);

        float[][] expected = ImageClassifier.Probabilities(classifier, paths, "test", NullReporter.Instance,
            CancellationToken.None);
        (int width, int height, int channels) =
            (classifier.ImageWidth, classifier.ImageHeight, classifier.ImageChannels);
        float[] batch = paths.SelectMany(p => ImageReader.ReadPlanar(p, width, height, channels)).ToArray();
        using var session = new InferenceSession(path);
        float[] actual = OnnxRunner.Run(session, OnnxExporter.InputName, batch,
            new[] { paths.Length, channels, height, width })[OnnxExporter.ProbabilitiesName];
        float[] flat = expected.SelectMany(p => p).ToArray();
        Assert.Equal(flat.Length, actual.Length);
        Assert.All(flat.Zip(actual), pair => Assert.Equal(pair.First, pair.Second, 1e-4f));
    }
}
