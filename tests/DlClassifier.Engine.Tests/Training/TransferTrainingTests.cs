using System.IO.Compression;
using System.Text.Json.Nodes;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Training;

/// <summary>
/// Training a pretrained classifier: which weights each transfer mode changes, and the classifier file. The 16×16
/// images are read at 224×224, so every backbone pass is a full one; the runs are kept to an epoch or two.
/// </summary>
[Collection("Native")]
public sealed class TransferTrainingTests : IClassFixture<SyntheticImageSet>, IDisposable
{
    private readonly SyntheticImageSet images;
    private readonly TemporaryFolder folder = new("transfer");

    public TransferTrainingTests(SyntheticImageSet images)
    {
        this.images = images;
    }

    public void Dispose() => folder.Dispose();

    [PretrainedModelFact]
    public void Train_HeadOnly_LeavesBackboneBitIdenticalAndChangesHead()
    {
        using DlClassifier classifier = NewPretrained(TransferMode.HeadOnly, epochs: 2);
        Dictionary<string, byte[]> before = WeightBytes(classifier);
        var reporter = new RecordingReporter();

        DlTrainingResult result = Trainer.Train(classifier, images.DataSet, null, reporter, CancellationToken.None);

        Dictionary<string, byte[]> after = WeightBytes(classifier);
        Assert.Equal(2, result.EpochsTrained);
        Assert.Equal(before.Keys, after.Keys);
        Assert.All(before.Keys.Where(k => !IsHead(k)), key => Assert.Equal(before[key], after[key]));
        Assert.NotEqual(before["fc.weight"], after["fc.weight"]);
        Assert.NotEqual(before["fc.bias"], after["fc.bias"]);
        Assert.Contains(reporter.Messages, m => m.Contains("no augmentation applies", StringComparison.Ordinal));
        // Twelve training images in batches of four: three steps per epoch.
        Assert.Equal(6, classifier.LastTrainingBatches);
    }

    [PretrainedModelFact]
    public void Train_FineTune_ChangesBackboneAndHead()
    {
        using DlClassifier classifier = NewPretrained(TransferMode.FineTune, epochs: 1);
        Dictionary<string, byte[]> before = WeightBytes(classifier);

        Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);

        Dictionary<string, byte[]> after = WeightBytes(classifier);
        Assert.NotEqual(before["fc.weight"], after["fc.weight"]);
        Assert.NotEqual(before["conv1.weight"], after["conv1.weight"]);
        Assert.NotEqual(before["layer4.2.conv2.weight"], after["layer4.2.conv2.weight"]);
        Assert.NotEqual(before["bn1.running_mean"], after["bn1.running_mean"]);
    }

    [PretrainedModelFact]
    public void SaveAndLoad_TrainedPretrainedClassifier_GivesIdenticalPredictionsAndPreprocessing()
    {
        using DlClassifier classifier = NewPretrained(TransferMode.HeadOnly, epochs: 1);
        Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        string path = folder.Combine("pretrained.dlc");
        string[] paths = images.PathsOf(SampleSplit.Test);

        ClassifierFile.Save(classifier, path);
        using DlClassifier loaded = ClassifierFile.Load(path);

        Assert.Equal((NetworkArchitecture.CntkResNet18, InputNormalization.BgrMeanImage),
            (loaded.Architecture, loaded.Normalization));
        Assert.Equal(CntkResNet18Weights.Source, loaded.PretrainedWeights);
        Assert.Equal(classifier.MeanImage, loaded.MeanImage);
        Assert.Equal((TransferMode.HeadOnly, 0.1),
            (loaded.Parameters.TransferMode, loaded.Parameters.BackboneLearningRateFactor));
        Assert.Equal(classifier.GetWeightsHash(), loaded.GetWeightsHash());
        IReadOnlyList<DlPrediction> expected = ImageClassifier.Predict(classifier, paths, CancellationToken.None);
        IReadOnlyList<DlPrediction> actual = ImageClassifier.Predict(loaded, paths, CancellationToken.None);
        Assert.Equal(expected.Select(p => (p.ClassName, p.Confidence)),
            actual.Select(p => (p.ClassName, p.Confidence)));
        using ZipArchive zip = ZipFile.OpenRead(path);
        JsonNode manifest = JsonNode.Parse(zip.GetEntry("manifest.json")!.Open())!;
        Assert.Equal(2, (int)manifest["FormatVersion"]!);
        Assert.Equal("BgrMeanImage", (string)manifest["Normalization"]!);
        Assert.Equal(4L * 3 * 224 * 224, zip.GetEntry("mean-image.bin")!.Length);
    }

    [PretrainedModelFact]
    public void SaveAndLoad_FineTunedAt96By64_GivesBitwiseIdenticalProbabilitiesAndTheResizedMeanImage()
    {
        DlClassifierParam parameters = SyntheticImageSet.QuickParameters(epochs: 1);
        parameters.Threads = 2;
        using DlClassifier classifier =
            NetworkFactory.CreatePretrainedClassifier(images.DataSet.ClassNames, parameters, 96, 64);
        Trainer.Train(classifier, images.DataSet, null, null, CancellationToken.None);
        string path = folder.Combine("pretrained-96x64.dlc");
        string[] paths = images.PathsOf(SampleSplit.Test);

        ClassifierFile.Save(classifier, path);
        using DlClassifier loaded = ClassifierFile.Load(path);

        Assert.Single(classifier.History);
        Assert.Equal((96, 64, 3), (loaded.ImageWidth, loaded.ImageHeight, loaded.ImageChannels));
        Assert.Equal(CntkResNet18Weights.MeanImage(96, 64), loaded.MeanImage);
        Assert.Equal(classifier.GetWeightsHash(), loaded.GetWeightsHash());
        Assert.Equal(Probabilities(classifier, paths), Probabilities(loaded, paths));
        using ZipArchive zip = ZipFile.OpenRead(path);
        Assert.Equal(4L * 3 * 96 * 64, zip.GetEntry("mean-image.bin")!.Length);
    }

    [PretrainedModelFact]
    public void Load_DamagedMeanImage_ThrowsClassifierFileException()
    {
        using DlClassifier classifier = NewPretrained(TransferMode.HeadOnly, epochs: 1);
        string path = folder.Combine("damaged.dlc");
        ClassifierFile.Save(classifier, path);
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("mean-image.bin")!.Delete();
            using Stream stream = zip.CreateEntry("mean-image.bin").Open();
            stream.Write(new byte[16]);
        }

        var error = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(path));

        Assert.Contains("mean-image.bin", error.Message);
    }

    [Fact]
    public void UpdateParameters_HeadOnlyOnClassifierWithoutPretrainedWeights_ThrowsAndKeepsParameters()
    {
        using DlClassifier classifier = images.NewClassifier();

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => classifier.UpdateParameters(p => p.TransferMode = TransferMode.HeadOnly));

        Assert.Equal(nameof(DlClassifierParam.TransferMode), error.ParamName);
        Assert.Contains("-Pretrained", error.Message);
        Assert.Equal(TransferMode.FineTune, classifier.Parameters.TransferMode);
    }

    [Fact]
    public void DlClassifierParam_Defaults_FineTuneWithBackboneAtATenth()
    {
        var parameters = new DlClassifierParam();

        Assert.Equal((TransferMode.FineTune, 0.1), (parameters.TransferMode, parameters.BackboneLearningRateFactor));
    }

    private static float[][] Probabilities(DlClassifier classifier, string[] paths) =>
        ImageClassifier.Probabilities(classifier, paths, "Testing", NullReporter.Instance, CancellationToken.None);

    private DlClassifier NewPretrained(TransferMode mode, int epochs)
    {
        DlClassifierParam parameters = SyntheticImageSet.QuickParameters(epochs: epochs);
        parameters.TransferMode = mode;
        parameters.Threads = 2;
        return NetworkFactory.CreatePretrainedClassifier(images.DataSet.ClassNames, parameters);
    }

    private static bool IsHead(string key) => key.StartsWith("fc.", StringComparison.Ordinal);

    /// <summary>Every tensor of the state dict as its raw bytes, for bitwise comparison.</summary>
    private static Dictionary<string, byte[]> WeightBytes(DlClassifier classifier)
    {
        var bytes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string name, Tensor value) in classifier.Network.state_dict())
        {
            bytes[name] = value.cpu().bytes.ToArray();
        }
        return bytes;
    }
}
