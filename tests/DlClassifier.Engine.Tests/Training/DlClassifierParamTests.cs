using System.Text.Json;
using DlClassifier.Engine.Persistence;
using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

public sealed class DlClassifierParamTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        new DlClassifierParam().Validate();
    }

    [Theory]
    [InlineData(nameof(DlClassifierParam.BatchSize), 0)]
    [InlineData(nameof(DlClassifierParam.BatchSize), -4)]
    [InlineData(nameof(DlClassifierParam.LearningRate), 0.0)]
    [InlineData(nameof(DlClassifierParam.LearningRate), -0.1)]
    [InlineData(nameof(DlClassifierParam.LearningRate), double.NaN)]
    [InlineData(nameof(DlClassifierParam.LearningRate), double.PositiveInfinity)]
    [InlineData(nameof(DlClassifierParam.Momentum), -0.01)]
    [InlineData(nameof(DlClassifierParam.Momentum), 1.0)]
    [InlineData(nameof(DlClassifierParam.Momentum), double.NaN)]
    [InlineData(nameof(DlClassifierParam.WeightPrior), -1e-4)]
    [InlineData(nameof(DlClassifierParam.WeightPrior), double.PositiveInfinity)]
    [InlineData(nameof(DlClassifierParam.WeightPrior), double.NaN)]
    [InlineData(nameof(DlClassifierParam.Epochs), 0)]
    [InlineData(nameof(DlClassifierParam.StepFactor), 0.0)]
    [InlineData(nameof(DlClassifierParam.StepFactor), 1.5)]
    [InlineData(nameof(DlClassifierParam.StepFactor), double.NaN)]
    [InlineData(nameof(DlClassifierParam.StepEpochs), new[] { 3, 0 })]
    [InlineData(nameof(DlClassifierParam.ShiftFraction), -0.1)]
    [InlineData(nameof(DlClassifierParam.ShiftFraction), 0.51)]
    [InlineData(nameof(DlClassifierParam.ShiftFraction), double.NaN)]
    [InlineData(nameof(DlClassifierParam.AugmentationPercentage), -1)]
    [InlineData(nameof(DlClassifierParam.AugmentationPercentage), 101)]
    [InlineData(nameof(DlClassifierParam.RotationRange), -0.5)]
    [InlineData(nameof(DlClassifierParam.RotationRange), 180.5)]
    [InlineData(nameof(DlClassifierParam.RotationRange), double.NaN)]
    [InlineData(nameof(DlClassifierParam.BrightnessVariation), -1)]
    [InlineData(nameof(DlClassifierParam.BrightnessVariation), 256)]
    [InlineData(nameof(DlClassifierParam.BrightnessSpotVariation), -1)]
    [InlineData(nameof(DlClassifierParam.BrightnessSpotVariation), 256)]
    [InlineData(nameof(DlClassifierParam.CropPercentage), 9)]
    [InlineData(nameof(DlClassifierParam.CropPercentage), 101)]
    [InlineData(nameof(DlClassifierParam.ContrastVariation), -0.1)]
    [InlineData(nameof(DlClassifierParam.ContrastVariation), 1.01)]
    [InlineData(nameof(DlClassifierParam.ContrastVariation), double.NaN)]
    [InlineData(nameof(DlClassifierParam.SaturationVariation), -0.1)]
    [InlineData(nameof(DlClassifierParam.SaturationVariation), 1.5)]
    [InlineData(nameof(DlClassifierParam.CacheMegabytes), -1)]
    [InlineData(nameof(DlClassifierParam.EvaluationInterval), 0)]
    [InlineData(nameof(DlClassifierParam.EarlyStoppingPatience), -1)]
    [InlineData(nameof(DlClassifierParam.Threads), -1)]
    [InlineData(nameof(DlClassifierParam.Device), "gpu")]
    [InlineData(nameof(DlClassifierParam.Device), "cuda:x")]
    [InlineData(nameof(DlClassifierParam.Device), "")]
    [InlineData(nameof(DlClassifierParam.BackboneLearningRateFactor), 0.0)]
    [InlineData(nameof(DlClassifierParam.BackboneLearningRateFactor), 1.01)]
    [InlineData(nameof(DlClassifierParam.BackboneLearningRateFactor), double.NaN)]
    [InlineData(nameof(DlClassifierParam.TransferMode), (TransferMode)7)]
    public void Validate_ValueOutOfRange_ThrowsNamingTheProperty(string property, object value)
    {
        var parameters = new DlClassifierParam();
        typeof(DlClassifierParam).GetProperty(property)!.SetValue(parameters, value);

        var error = Assert.Throws<ArgumentOutOfRangeException>(parameters.Validate);

        Assert.Equal(property, error.ParamName);
        Assert.StartsWith(property + " ", error.Message);
    }

    [Theory]
    [InlineData(nameof(DlClassifierParam.BatchSize), 1)]
    [InlineData(nameof(DlClassifierParam.Momentum), 0.0)]
    [InlineData(nameof(DlClassifierParam.WeightPrior), 0.0)]
    [InlineData(nameof(DlClassifierParam.StepFactor), 1.0)]
    [InlineData(nameof(DlClassifierParam.ShiftFraction), 0.0)]
    [InlineData(nameof(DlClassifierParam.ShiftFraction), 0.5)]
    [InlineData(nameof(DlClassifierParam.AugmentationPercentage), 0)]
    [InlineData(nameof(DlClassifierParam.AugmentationPercentage), 100)]
    [InlineData(nameof(DlClassifierParam.RotationRange), 180.0)]
    [InlineData(nameof(DlClassifierParam.BrightnessVariation), 255)]
    [InlineData(nameof(DlClassifierParam.BrightnessSpotVariation), 255)]
    [InlineData(nameof(DlClassifierParam.CropPercentage), 10)]
    [InlineData(nameof(DlClassifierParam.ContrastVariation), 1.0)]
    [InlineData(nameof(DlClassifierParam.SaturationVariation), 1.0)]
    [InlineData(nameof(DlClassifierParam.CacheMegabytes), 0)]
    [InlineData(nameof(DlClassifierParam.EarlyStoppingPatience), 0)]
    [InlineData(nameof(DlClassifierParam.Threads), 0)]
    [InlineData(nameof(DlClassifierParam.Device), "CUDA:1")]
    [InlineData(nameof(DlClassifierParam.Device), " cpu ")]
    [InlineData(nameof(DlClassifierParam.BackboneLearningRateFactor), 1.0)]
    [InlineData(nameof(DlClassifierParam.BackboneLearningRateFactor), 1e-6)]
    [InlineData(nameof(DlClassifierParam.TransferMode), TransferMode.HeadOnly)]
    public void Validate_BoundaryValue_Passes(string property, object value)
    {
        var parameters = new DlClassifierParam();
        typeof(DlClassifierParam).GetProperty(property)!.SetValue(parameters, value);

        parameters.Validate();
    }

    [Fact]
    public void Clone_StepEpochs_AreCopiedNotShared()
    {
        var original = new DlClassifierParam { StepEpochs = new[] { 5, 10 }, BatchSize = 7 };

        DlClassifierParam copy = original.Clone();
        copy.StepEpochs[0] = 99;

        Assert.Equal(new[] { 5, 10 }, original.StepEpochs);
        Assert.Equal(7, copy.BatchSize);
    }

    [Fact]
    public void Defaults_AugmentHalfTheSamplesWithShiftAndMirrorOnly()
    {
        var parameters = new DlClassifierParam();

        Assert.Equal(Augmentation.Shift | Augmentation.FlipHorizontal, parameters.Augmentation);
        Assert.Equal((50, 0.0, 0, 0, 100, 0.0, 0.0), (parameters.AugmentationPercentage, parameters.RotationRange,
            parameters.BrightnessVariation, parameters.BrightnessSpotVariation, parameters.CropPercentage,
            parameters.ContrastVariation, parameters.SaturationVariation));
        Assert.Equal(2048, parameters.CacheMegabytes);
    }

    [Fact]
    public void Json_ParametersWithoutTheNewerFields_LoadWithTheirDefaults()
    {
        // The parameters as a classifier file written before augmentation amounts and the cache existed.
        const string older = """
            { "BatchSize": 32, "Augmentation": "Shift, FlipVertical", "ShiftFraction": 0.1, "Seed": 5 }
            """;

        DlClassifierParam parameters = JsonSerializer.Deserialize<DlClassifierParam>(older, ClassifierFile.Json)!;

        Assert.Equal((32, Augmentation.Shift | Augmentation.FlipVertical, 0.1, 5),
            (parameters.BatchSize, parameters.Augmentation, parameters.ShiftFraction, parameters.Seed));
        Assert.Equal((50, 100, 2048), (parameters.AugmentationPercentage, parameters.CropPercentage,
            parameters.CacheMegabytes));
        parameters.Validate();
    }

    [Fact]
    public void Json_EveryAugmentationSetting_RoundTrips()
    {
        var original = new DlClassifierParam
        {
            Augmentation = Augmentation.Rotate90 | Augmentation.Rotate180 | Augmentation.FlipVertical,
            AugmentationPercentage = 50, RotationRange = 12.5, BrightnessVariation = 20, BrightnessSpotVariation = 30,
            CropPercentage = 80, ContrastVariation = 0.2, SaturationVariation = 0.3, CacheMegabytes = 0,
        };

        string json = JsonSerializer.Serialize(original, ClassifierFile.Json);
        DlClassifierParam copy = JsonSerializer.Deserialize<DlClassifierParam>(json, ClassifierFile.Json)!;

        Assert.Equal(JsonSerializer.Serialize(copy, ClassifierFile.Json), json);
        Assert.Equal(original.Augmentation, copy.Augmentation);
        Assert.Equal((50, 12.5, 20, 30, 80, 0.2, 0.3, 0), (copy.AugmentationPercentage, copy.RotationRange,
            copy.BrightnessVariation, copy.BrightnessSpotVariation, copy.CropPercentage, copy.ContrastVariation,
            copy.SaturationVariation, copy.CacheMegabytes));
    }
}
