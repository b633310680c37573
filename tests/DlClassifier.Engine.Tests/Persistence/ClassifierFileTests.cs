using System.IO.Compression;
using System.Text.Json.Nodes;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.IO;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Tests.Support;
using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Persistence;

[Collection("Native")]
public sealed class ClassifierFileTests : IClassFixture<TrainedClassifierFixture>, IDisposable
{
    private readonly TrainedClassifierFixture trained;
    private readonly TemporaryFolder folder = new("classifier-file");

    public ClassifierFileTests(TrainedClassifierFixture trained)
    {
        this.trained = trained;
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Load_SavedClassifier_GivesBitwiseIdenticalProbabilities()
    {
        string path = Path.Combine(folder.Path, "model.dlc");

        ClassifierFile.Save(trained.Classifier, path);
        using DlClassifier loaded = ClassifierFile.Load(path);

        string[] paths = trained.Images.AllPaths;
        Assert.Equal(Probabilities(trained.Classifier, paths), Probabilities(loaded, paths));
        IReadOnlyList<DlPrediction> before = ImageClassifier.Predict(trained.Classifier, paths, CancellationToken.None);
        IReadOnlyList<DlPrediction> after = ImageClassifier.Predict(loaded, paths, CancellationToken.None);
        Assert.Equal(before.Select(p => (p.Path, p.ClassName, p.Confidence)),
            after.Select(p => (p.Path, p.ClassName, p.Confidence)));
    }

    [Fact]
    public void Load_SavedClassifier_KeepsClassesShapeAndNormalisation()
    {
        string path = Path.Combine(folder.Path, "model.dlc");
        DlClassifier original = trained.Classifier;

        ClassifierFile.Save(original, path);
        using DlClassifier loaded = ClassifierFile.Load(path);

        Assert.Equal(new[] { "left", "right" }, loaded.ClassNames);
        Assert.Equal(original.Architecture, loaded.Architecture);
        Assert.Equal((16, 16, 1), (loaded.ImageWidth, loaded.ImageHeight, loaded.ImageChannels));
        Assert.NotNull(original.NormalizationMean);
        Assert.Equal(original.NormalizationMean, loaded.NormalizationMean);
        Assert.Equal(original.NormalizationStd, loaded.NormalizationStd);
        Assert.Equal(original.ParameterCount, loaded.ParameterCount);
    }

    [Fact]
    public void Load_SavedClassifier_KeepsHistoryAndBestEpoch()
    {
        string path = Path.Combine(folder.Path, "model.dlc");
        DlClassifier original = trained.Classifier;

        ClassifierFile.Save(original, path);
        using DlClassifier loaded = ClassifierFile.Load(path);

        Assert.Equal(original.History.Count, loaded.History.Count);
        for (int i = 0; i < original.History.Count; i++)
        {
            DlEpochRecord a = original.History[i], b = loaded.History[i];
            Assert.Equal((a.Epoch, a.TrainingLoss, a.TrainingError, a.ValidationError, a.ValidationLoss),
                (b.Epoch, b.TrainingLoss, b.TrainingError, b.ValidationError, b.ValidationLoss));
            Assert.Equal((a.LearningRate, a.Seconds, a.IsBest), (b.LearningRate, b.Seconds, b.IsBest));
        }
        Assert.Equal(original.BestEpoch, loaded.BestEpoch);
        Assert.Equal(original.BestValidationError, loaded.BestValidationError);
        Assert.True(loaded.IsTrained);
    }

    [Fact]
    public void Load_SavedClassifier_KeepsParametersAndTestDate()
    {
        string path = Path.Combine(folder.Path, "custom.dlc");
        var parameters = new DlClassifierParam
        {
            BatchSize = 7, LearningRate = 0.0125, Momentum = 0.5, WeightPrior = 0, Epochs = 9, Solver = Solver.Adam,
            Schedule = LearningRateSchedule.Step, StepEpochs = new[] { 3, 6 }, StepFactor = 0.25,
            Augmentation = Augmentation.FlipVertical | Augmentation.Shift, ShiftFraction = 0.125,
            EvaluationInterval = 2, EarlyStoppingPatience = 4, Device = "cuda:1", Seed = -5, Threads = 3,
        };
        using DlClassifier original = trained.Images.NewClassifier(parameters);
        var evaluatedAt = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));
        original.MarkTestEvaluated(evaluatedAt);

        ClassifierFile.Save(original, path);
        using DlClassifier loaded = ClassifierFile.Load(path);

        DlClassifierParam p = loaded.Parameters;
        Assert.Equal((7, 0.0125, 0.5, 0.0, 9, Solver.Adam), (p.BatchSize, p.LearningRate, p.Momentum, p.WeightPrior,
            p.Epochs, p.Solver));
        Assert.Equal((LearningRateSchedule.Step, 0.25, Augmentation.FlipVertical | Augmentation.Shift, 0.125),
            (p.Schedule, p.StepFactor, p.Augmentation, p.ShiftFraction));
        Assert.Equal((2, 4, "cuda:1", -5, 3), (p.EvaluationInterval, p.EarlyStoppingPatience, p.Device, p.Seed,
            p.Threads));
        Assert.Equal(new[] { 3, 6 }, p.StepEpochs);
        Assert.Equal(evaluatedAt, loaded.TestEvaluatedAt);
        Assert.False(loaded.IsTrained);
        Assert.Null(loaded.NormalizationMean);
    }

    [Fact]
    public void Save_Success_LeavesNoTemporaryFile()
    {
        string path = Path.Combine(folder.Path, "model.dlc");

        ClassifierFile.Save(trained.Classifier, path);
        ClassifierFile.Save(trained.Classifier, path);

        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Save_MissingFolder_IsCreated()
    {
        string path = Path.Combine(folder.Path, "a", "b", "model.dlc");

        ClassifierFile.Save(trained.Classifier, path);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void AtomicWrite_FailingWriter_KeepsTheOldFileAndLeavesNoTemporaryFile()
    {
        // The classifier save fills its zip through this same writer; a failure part way must not reach the target.
        string path = Path.Combine(folder.Path, "model.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("The disk is full.");
        }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Load_RandomBytes_ThrowsClassifierFileExceptionNamingThePath()
    {
        string path = Path.Combine(folder.Path, "noise.dlc");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 131 % 256)).ToArray());

        AssertUnreadable(path);
    }

    [Fact]
    public void Load_EmptyFile_ThrowsClassifierFileExceptionNamingThePath()
    {
        string path = Path.Combine(folder.Path, "empty.dlc");
        File.WriteAllBytes(path, Array.Empty<byte>());

        AssertUnreadable(path);
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsClassifierFileExceptionNamingThePath()
    {
        string path = Path.Combine(folder.Path, "truncated.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        AssertUnreadable(path);
    }

    [Theory]
    [InlineData("text.dlc", "hello\n")]
    [InlineData("empty.dlc", "")]
    public void Load_FileThatIsNoZip_SaysItIsDamagedOrCutShortWithoutZipInternals(string name, string content)
    {
        string path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, content);

        var error = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(path));

        Assert.StartsWith($"'{path}' is not a readable DlClassifier file: it is ", error.Message);
        Assert.Contains("damaged or cut short", error.Message);
        Assert.Contains("Export the classifier again", error.Message);
        Assert.DoesNotContain("Central Directory", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void Load_OnnxFile_SaysOnnxModelsCannotBeImported()
    {
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllBytes(path, new byte[] { 0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74 });

        var error = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(path));

        Assert.Equal($"'{path}' is not a readable DlClassifier file: it is an ONNX model, and ONNX models cannot " +
            "be imported: ONNX is an export format for other runtimes. Import the .dlc file the model was exported " +
            "from.", error.Message);
    }

    [Fact]
    public void Load_ZipWithoutManifest_ThrowsClassifierFileExceptionNamingThePath()
    {
        string path = Path.Combine(folder.Path, "other.zip");
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            writer.Write("not a classifier");
        }

        ClassifierFileException error = AssertUnreadable(path);

        Assert.Contains("manifest.json", error.Message);
    }

    [Fact]
    public void Load_NewerFormatVersion_ThrowsClassifierFileExceptionNamingPathAndVersion()
    {
        string path = Path.Combine(folder.Path, "future.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        EditManifest(path, manifest => manifest["FormatVersion"] = 99);

        ClassifierFileException error = AssertUnreadable(path);

        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void Load_VersionOneFile_LoadsAsTrainedFromScratchWithChannelStatistics()
    {
        string path = Path.Combine(folder.Path, "version1.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        EditManifest(path, manifest =>
        {
            manifest["FormatVersion"] = 1;
            manifest.Remove("Normalization");
            manifest.Remove("PretrainedWeights");
            manifest.Remove("MeanImageSha256");
            manifest["Parameters"]!.AsObject().Remove("TransferMode");
            manifest["Parameters"]!.AsObject().Remove("BackboneLearningRateFactor");
        });

        using DlClassifier loaded = ClassifierFile.Load(path);

        Assert.Equal(InputNormalization.ChannelStatistics, loaded.Normalization);
        Assert.False(loaded.IsPretrained);
        Assert.Equal(TransferMode.FineTune, loaded.Parameters.TransferMode);
        Assert.Equal(0.1, loaded.Parameters.BackboneLearningRateFactor);
        string[] paths = trained.Images.AllPaths;
        Assert.Equal(Probabilities(trained.Classifier, paths), Probabilities(loaded, paths));
    }

    [Fact]
    public void Load_ForeignFormatName_ThrowsClassifierFileException()
    {
        string path = Path.Combine(folder.Path, "foreign.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        EditManifest(path, manifest => manifest["Format"] = "SomethingElse");

        ClassifierFileException error = AssertUnreadable(path);

        Assert.Contains("SomethingElse", error.Message);
    }

    [Fact]
    public void Load_ManifestNotJson_ThrowsClassifierFileException()
    {
        string path = Path.Combine(folder.Path, "garbled.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        ReplaceEntry(path, "manifest.json", "{ this is not json");

        AssertUnreadable(path);
    }

    [Fact]
    public void Load_WithoutWeights_ThrowsClassifierFileException()
    {
        string path = Path.Combine(folder.Path, "hollow.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("weights.bin")!.Delete();
        }

        ClassifierFileException error = AssertUnreadable(path);

        Assert.Contains("weights.bin", error.Message);
    }

    [Fact]
    public void Load_TruncatedWeights_ThrowsClassifierFileException()
    {
        string path = Path.Combine(folder.Path, "cut-weights.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        byte[] weights = ReadEntry(path, "weights.bin");
        ReplaceEntry(path, "weights.bin", weights[..(weights.Length / 2)]);

        AssertUnreadable(path);
    }

    [Theory]
    [InlineData(0, "0000000000000000")]
    [InlineData(0, "FFFFFFFFFFFFFFFF")]
    [InlineData(0, "FFFFFF7F00000000")]
    [InlineData(8, "FFFFFFFF")]
    [InlineData(8, "00000000")]
    [InlineData(9, "41424344")]
    public void Load_OverwrittenWeightBytes_ThrowsClassifierFileException(int offset, string hexBytes)
    {
        string path = Path.Combine(folder.Path, "overwritten.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        byte[] weights = ReadEntry(path, "weights.bin");
        Convert.FromHexString(hexBytes).CopyTo(weights, offset);
        ReplaceEntry(path, "weights.bin", weights);

        AssertUnreadable(path);
    }

    [Fact]
    public void Load_CorruptCompressedWeights_ThrowsClassifierFileException()
    {
        string path = Path.Combine(folder.Path, "corrupt.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        byte[] bytes = File.ReadAllBytes(path);
        int middle = bytes.Length / 2;
        for (int i = middle; i < middle + 64; i++)
        {
            bytes[i] ^= 0xA5;
        }
        File.WriteAllBytes(path, bytes);

        AssertUnreadable(path);
    }

    [Fact]
    public void Load_WeightsOfAnotherShape_ThrowsClassifierFileException()
    {
        // The manifest claims three classes, the weights hold a two-class head.
        string path = Path.Combine(folder.Path, "mismatch.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        EditManifest(path, manifest => manifest["ClassNames"] = new JsonArray("a", "b", "c"));

        AssertUnreadable(path);
    }

    [Theory]
    [InlineData("NormalizationMean", "[0.5, 0.5, 0.5]")]
    [InlineData("NormalizationStd", "[]")]
    [InlineData("NormalizationStd", "[0]")]
    [InlineData("NormalizationStd", "[-0.25]")]
    [InlineData("NormalizationStd", "[\"NaN\"]")]
    [InlineData("NormalizationMean", "[\"Infinity\"]")]
    public void Load_NormalisationThatDoesNotFitTheInput_ThrowsClassifierFileException(string property, string json)
    {
        // The classifier reads one grey channel, so it needs exactly one finite mean and one positive deviation.
        string path = Path.Combine(folder.Path, "normalisation.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        EditManifest(path, manifest => manifest[property] = JsonNode.Parse(json));

        ClassifierFileException error = AssertUnreadable(path);

        Assert.Contains(property, error.Message);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(folder.Path, "absent.dlc");

        var error = Assert.Throws<FileNotFoundException>(() => ClassifierFile.Load(path));

        Assert.Equal(path, error.FileName);
    }

    private static ClassifierFileException AssertUnreadable(string path)
    {
        var error = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.Path);
        return error;
    }

    private static void EditManifest(string path, Action<JsonObject> edit)
    {
        string text;
        using (ZipArchive zip = ZipFile.OpenRead(path))
        {
            using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
            text = reader.ReadToEnd();
        }
        JsonObject manifest = JsonNode.Parse(text)!.AsObject();
        edit(manifest);
        ReplaceEntry(path, "manifest.json", manifest.ToJsonString());
    }

    private static void ReplaceEntry(string path, string entry, string content) =>
        ReplaceEntry(path, entry, System.Text.Encoding.UTF8.GetBytes(content));

    private static void ReplaceEntry(string path, string entry, byte[] content)
    {
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(entry)!.Delete();
        using Stream stream = zip.CreateEntry(entry).Open();
        stream.Write(content);
    }

    private static byte[] ReadEntry(string path, string entry)
    {
        using ZipArchive zip = ZipFile.OpenRead(path);
        using Stream stream = zip.GetEntry(entry)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static float[][] Probabilities(DlClassifier classifier, string[] paths) =>
        ImageClassifier.Probabilities(classifier, paths, "Testing", NullReporter.Instance, CancellationToken.None);
}
