using System.Text.Json;
using DlClassifier.Engine.Export.Onnx;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Tests.Support;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Export;

/// <summary>
/// Every architecture's exported model against the classifier itself: logits and calibrated probabilities from
/// ONNX Runtime equal ours on a batch of images, for any batch size, with the metadata readable.
/// </summary>
[Collection("Native")]
public sealed class OnnxExporterTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private const int BatchSize = 5;

    private readonly TemporaryFolder folder = new("onnx-export");

    public void Dispose() => folder.Dispose();

    [Theory]
    // Two pooling stages to 7×7: the grid is the feature map itself.
    [InlineData(NetworkArchitecture.CompactCnn, 28, 28, 1)]
    // Three stages to 8×8, pooled to 7×7 by windows that do not divide.
    [InlineData(NetworkArchitecture.CompactCnn, 64, 64, 3)]
    // A wide image: 7×10 feature maps, the width pooled unevenly.
    [InlineData(NetworkArchitecture.CompactCnn, 40, 28, 3)]
    [InlineData(NetworkArchitecture.ResNet18, 32, 32, 3)]
    [InlineData(NetworkArchitecture.ResNet18, 64, 64, 1)]
    public void Save_Architecture_OnnxRuntimeMatchesLogitsAndProbabilities(NetworkArchitecture architecture,
        int width, int height, int channels)
    {
        using DlClassifier classifier = CreateNonTrivial(architecture, width, height, channels);
        float[][] images = RandomImages(BatchSize, channels * height * width, seed: width + channels);
        string path = Path.Combine(folder.Path, "model.onnx");

        OnnxExporter.Save(classifier, path);

        float[][] logits = Predictor.Logits(classifier, images, CPU, BatchSize, CancellationToken.None);
        float[][] probabilities = Predictor.Probabilities(classifier, images, CPU, BatchSize,
            CancellationToken.None, temperature: classifier.Temperature);
        using var session = new InferenceSession(path);
        Dictionary<string, float[]> outputs = OnnxRunner.Run(session, OnnxExporter.InputName,
            images.SelectMany(i => i).ToArray(), new[] { BatchSize, channels, height, width });
        AssertClose(logits.SelectMany(l => l).ToArray(), outputs[OnnxExporter.LogitsName]);
        AssertClose(probabilities.SelectMany(p => p).ToArray(), outputs[OnnxExporter.ProbabilitiesName]);

        // The temperature is in the graph: the probabilities differ from the plain softmax of the logits.
        float[][] uncalibrated = Predictor.Probabilities(classifier, images, CPU, BatchSize, CancellationToken.None);
        Assert.True(uncalibrated[0].Zip(probabilities[0], (u, c) => Math.Abs(u - c)).Max() > 1e-3);

        // The batch dimension is free: two images alone give what they gave among five.
        Dictionary<string, float[]> pair = OnnxRunner.Run(session, OnnxExporter.InputName,
            images.Take(2).SelectMany(i => i).ToArray(), new[] { 2, channels, height, width });
        int classes = classifier.ClassNames.Length;
        AssertClose(outputs[OnnxExporter.LogitsName][..(2 * classes)], pair[OnnxExporter.LogitsName]);
    }

    [Fact]
    public void Save_Classifier_DeclaresInputAndOutputsWithSymbolicBatch()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 20, 16, 3);
        string path = Path.Combine(folder.Path, "model.onnx");

        OnnxExporter.Save(classifier, path);

        using var session = new InferenceSession(path);
        NodeMetadata input = Assert.Single(session.InputMetadata, i => i.Key == "image").Value;
        Assert.Equal(new[] { -1, 3, 16, 20 }, input.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
        Assert.Equal(new[] { "logits", "probabilities" }, session.OutputMetadata.Keys.Order());
        Assert.All(session.OutputMetadata.Values, o => Assert.Equal(new[] { -1, 4 }, o.Dimensions));
    }

    [Fact]
    public void Save_Classifier_WritesMetadataThatReadsBack()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 20, 16, 3);
        string path = Path.Combine(folder.Path, "model.onnx");

        OnnxExporter.Save(classifier, path);

        using var session = new InferenceSession(path);
        ModelMetadata metadata = session.ModelMetadata;
        Dictionary<string, string> properties = metadata.CustomMetadataMap;
        Assert.Equal("DlClassifier", metadata.ProducerName);
        Assert.Equal(new[] { "cat", "dog", "bird, small", "fish \"gold\"" },
            JsonSerializer.Deserialize<string[]>(properties["class_names"]));
        Assert.Equal(("20", "16", "3"),
            (properties["image_width"], properties["image_height"], properties["image_channels"]));
        Assert.Equal("CompactCnn", properties["architecture"]);
        Assert.Equal(new[] { 0.4f, 0.5f, 0.6f }, JsonSerializer.Deserialize<float[]>(properties["normalization_mean"]));
        Assert.Equal(new[] { 0.2f, 0.25f, 0.3f }, JsonSerializer.Deserialize<float[]>(properties["normalization_std"]));
        Assert.Equal("1.7", properties["temperature"]);
        Assert.Equal("DlClassifier", properties["producer"]);
        Assert.Equal(typeof(OnnxExporter).Assembly.GetName().Version!.ToString(), properties["producer_version"]);
        Assert.Contains("RGB", properties["preprocessing"]);
        Assert.Contains("0..1", properties["preprocessing"]);
    }

    [Fact]
    public void Build_Classifier_UsesDocumentedOpsetAndIrVersion()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 16, 16, 1);

        global::Onnx.ModelProto model = OnnxExporter.Build(classifier);

        Assert.Equal(8, model.IrVersion);
        global::Onnx.OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));
        Assert.Equal(model.ToByteArray(), global::Onnx.ModelProto.Parser.ParseFrom(model.ToByteArray()).ToByteArray());
    }

    [Fact]
    public void Build_UnfittedClassifier_WritesTheDefaultNormalisation()
    {
        using DlClassifier classifier =
            NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, new[] { "a", "b" }, 16, 16, 1);

        global::Onnx.ModelProto model = OnnxExporter.Build(classifier);

        Dictionary<string, string> properties = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("[0.5]", properties["normalization_mean"]);
        Assert.Equal("[0.5]", properties["normalization_std"]);
        Assert.Equal("1", properties["temperature"]);
    }

    [Fact]
    public void SupportedArchitectures_EveryArchitecture_HasAnOnnxGraph()
    {
        Assert.Equal(Enum.GetValues<NetworkArchitecture>(), OnnxExporter.SupportedArchitectures);
    }

    [Fact]
    public void Save_ExistingFile_ReplacesIt()
    {
        using DlClassifier classifier = CreateNonTrivial(NetworkArchitecture.CompactCnn, 16, 16, 1);
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllText(path, "old content");

        OnnxExporter.Save(classifier, path);

        using var session = new InferenceSession(path);
        Assert.Equal("DlClassifier", session.ModelMetadata.ProducerName);
        Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    /// <summary>
    /// A classifier whose every layer matters: batch norms with statistics and affine weights away from their
    /// defaults, a fitted-looking normalisation and a temperature of 1.7.
    /// </summary>
    internal static DlClassifier CreateNonTrivial(NetworkArchitecture architecture, int width, int height,
        int channels)
    {
        string[] classes = { "cat", "dog", "bird, small", "fish \"gold\"" };
        DlClassifier classifier = NetworkFactory.CreateClassifier(architecture, classes, width, height, channels);
        var random = new Random(7);
        using (no_grad())
        {
            foreach ((string _, nn.Module module) in classifier.Network.named_modules())
            {
                if (module is BatchNorm2d norm)
                {
                    int count = (int)norm.num_features;
                    norm.running_mean!.copy_(tensor(Draw(random, count, -0.2, 0.2)));
                    norm.running_var!.copy_(tensor(Draw(random, count, 0.5, 1.5)));
                    norm.weight!.copy_(tensor(Draw(random, count, 0.6, 1.4)));
                    norm.bias!.copy_(tensor(Draw(random, count, -0.1, 0.1)));
                }
                else if (module is Linear linear)
                {
                    linear.bias!.copy_(tensor(Draw(random, (int)linear.out_features, -0.5, 0.5)));
                }
            }
        }
        classifier.NormalizationMean = new[] { 0.4f, 0.5f, 0.6f }[..channels];
        classifier.NormalizationStd = new[] { 0.2f, 0.25f, 0.3f }[..channels];
        classifier.SetTemperature(1.7);
        return classifier;
    }

    private static float[] Draw(Random random, int count, double low, double high) =>
        Enumerable.Range(0, count).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();

    private static float[][] RandomImages(int count, int size, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, size).Select(_ => (float)random.NextDouble()).ToArray())
            .ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"The largest difference is {worst}, above {Tolerance}.");
    }
}
