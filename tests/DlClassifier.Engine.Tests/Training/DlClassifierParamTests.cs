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
    [InlineData(nameof(DlClassifierParam.EvaluationInterval), 0)]
    [InlineData(nameof(DlClassifierParam.EarlyStoppingPatience), -1)]
    [InlineData(nameof(DlClassifierParam.Threads), -1)]
    [InlineData(nameof(DlClassifierParam.CacheMegabytes), -1)]
    [InlineData(nameof(DlClassifierParam.Device), "gpu")]
    [InlineData(nameof(DlClassifierParam.Device), "cuda:x")]
    [InlineData(nameof(DlClassifierParam.Device), "")]
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
    [InlineData(nameof(DlClassifierParam.EarlyStoppingPatience), 0)]
    [InlineData(nameof(DlClassifierParam.Threads), 0)]
    [InlineData(nameof(DlClassifierParam.CacheMegabytes), 0)]
    [InlineData(nameof(DlClassifierParam.Device), "CUDA:1")]
    [InlineData(nameof(DlClassifierParam.Device), " cpu ")]
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
}
