using System.IO.Compression;
using System.Text.Json.Nodes;
using DlClassifier.Engine.Calibration;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Tests.Support;
using Xunit;

namespace DlClassifier.Engine.Tests.Calibration;

[Collection("Native")]
public sealed class CalibratorTests : IClassFixture<TrainedClassifierFixture>, IDisposable
{
    private readonly TrainedClassifierFixture trained;
    private readonly TemporaryFolder folder = new("calibration");

    public CalibratorTests(TrainedClassifierFixture trained)
    {
        this.trained = trained;
    }

    public void Dispose()
    {
        trained.Classifier.SetTemperature(1);
        folder.Dispose();
    }

    [Fact]
    public void Calibrate_Validation_StoresTheFittedTemperatureAndWritesThePlot()
    {
        string plot = folder.Combine("reliability.png");

        DlCalibration calibration = Calibrator.Calibrate(trained.Classifier, trained.Images.DataSet,
            SampleSplit.Validation, plot, null, CancellationToken.None);

        Assert.Equal(calibration.Temperature, trained.Classifier.Temperature);
        Assert.InRange(calibration.Temperature, TemperatureScaling.MinimumTemperature,
            TemperatureScaling.MaximumTemperature);
        Assert.Equal(6, calibration.ImageCount);
        Assert.True(calibration.NllAfter <= calibration.NllBefore + 1e-12);
        Assert.Equal(plot, calibration.PlotPath);
        Assert.True(new FileInfo(plot).Length > 1000);
    }

    [Fact]
    public void Probabilities_AtATemperature_AreTheSoftmaxOfTheScaledLogits()
    {
        string[] paths = trained.Images.AllPaths;
        float[][] logits = ImageClassifier.Logits(trained.Classifier, paths, "", NullReporter.Instance,
            CancellationToken.None);
        trained.Classifier.SetTemperature(2.5);

        float[][] probabilities = ImageClassifier.Probabilities(trained.Classifier, paths, "", NullReporter.Instance,
            CancellationToken.None);

        for (int i = 0; i < paths.Length; i++)
        {
            double[] expected = TemperatureScaling.Softmax(logits[i], 2.5);
            Assert.Equal(1f, probabilities[i].Sum(), 1e-5f);
            Assert.Equal(Evaluator.ArgMax(logits[i]), Evaluator.ArgMax(probabilities[i]));
            for (int c = 0; c < expected.Length; c++)
            {
                Assert.Equal(expected[c], probabilities[i][c], 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void SetTemperature_NotPositiveFinite_ThrowsAndKeepsTheOldOne(double temperature)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => trained.Classifier.SetTemperature(temperature));

        Assert.Equal(1, trained.Classifier.Temperature);
    }

    [Fact]
    public void Predict_BelowTheRejectThreshold_IsUncertainWithItsBestGuessKept()
    {
        string path = trained.Images.AllPaths[0];
        DlPrediction plain = ImageClassifier.Predict(trained.Classifier, new[] { path }, CancellationToken.None)[0];

        DlPrediction above = ImageClassifier.Predict(trained.Classifier, new[] { path }, CancellationToken.None,
            rejectBelow: plain.Confidence)[0];
        DlPrediction below = ImageClassifier.Predict(trained.Classifier, new[] { path }, CancellationToken.None,
            rejectBelow: Math.BitIncrement(plain.Confidence))[0];

        Assert.False(plain.IsUncertain);
        Assert.False(above.IsUncertain);
        Assert.Equal(plain.ClassName, above.ClassName);
        Assert.True(below.IsUncertain);
        Assert.Equal("", below.ClassName);
        Assert.Equal(plain.ClassName, below.TopClass);
        Assert.Equal(plain.Confidence, below.Confidence);
    }

    [Fact]
    public void Load_SavedCalibratedClassifier_KeepsTheTemperature()
    {
        string path = folder.Combine("calibrated.dlc");
        trained.Classifier.SetTemperature(1.75);
        ClassifierFile.Save(trained.Classifier, path);

        using DlClassifier loaded = ClassifierFile.Load(path);

        Assert.Equal(1.75, loaded.Temperature);
    }

    [Fact]
    public void Load_FileWithoutTemperature_LoadsAtTemperatureOne()
    {
        string path = folder.Combine("older.dlc");
        trained.Classifier.SetTemperature(3);
        ClassifierFile.Save(trained.Classifier, path);
        EditManifest(path, manifest => manifest.Remove("Temperature"));

        using DlClassifier loaded = ClassifierFile.Load(path);

        Assert.Equal(1, loaded.Temperature);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    public void Load_ManifestWithImpossibleTemperature_ThrowsClassifierFileException(double temperature)
    {
        string path = folder.Combine("impossible.dlc");
        ClassifierFile.Save(trained.Classifier, path);
        EditManifest(path, manifest => manifest["Temperature"] = temperature);

        var error = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(path));

        Assert.Contains("Temperature", error.Message);
    }

    private static void EditManifest(string path, Action<JsonObject> edit)
    {
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update);
        ZipArchiveEntry entry = zip.GetEntry("manifest.json")!;
        JsonObject manifest;
        using (var reader = new StreamReader(entry.Open()))
        {
            manifest = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
        }
        edit(manifest);
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open());
        writer.Write(manifest.ToJsonString());
    }
}
