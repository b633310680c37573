using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

public sealed class LearningRatesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(20)]
    public void ForEpoch_CosineFirstEpoch_IsTheFullRate(int epochs)
    {
        var parameters = new DlClassifierParam { LearningRate = 0.05, Schedule = LearningRateSchedule.Cosine };

        Assert.Equal(0.05, LearningRates.ForEpoch(parameters, 1, epochs));
    }

    [Theory]
    // lr·(1 + cos(π·(e − 1)/E))/2 with lr = 1.
    [InlineData(2, 4, 0.85355339059327373)] // (1 + √2/2)/2
    [InlineData(3, 4, 0.5)] // (1 + cos π/2)/2
    [InlineData(4, 4, 0.14644660940672624)] // (1 − √2/2)/2
    [InlineData(6, 10, 0.5)]
    [InlineData(3, 3, 0.25)] // (1 + cos 2π/3)/2 = (1 − 1/2)/2
    public void ForEpoch_CosineLaterEpoch_FollowsHalfCosine(int epoch, int epochs, double expected)
    {
        var parameters = new DlClassifierParam { LearningRate = 1, Schedule = LearningRateSchedule.Cosine };

        Assert.Equal(expected, LearningRates.ForEpoch(parameters, epoch, epochs), 1e-15);
    }

    [Fact]
    public void ForEpoch_CosineOverAllEpochs_FallsAndStaysAboveZero()
    {
        var parameters = new DlClassifierParam { LearningRate = 0.1, Schedule = LearningRateSchedule.Cosine };

        double[] rates = Enumerable.Range(1, 30).Select(e => LearningRates.ForEpoch(parameters, e, 30)).ToArray();

        Assert.All(rates.Zip(rates.Skip(1)), pair => Assert.True(pair.Second < pair.First));
        Assert.True(rates[^1] > 0);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 1.0)]
    [InlineData(3, 0.5)]
    [InlineData(4, 0.5)]
    [InlineData(5, 0.25)]
    [InlineData(50, 0.25)]
    public void ForEpoch_Step_MultipliesByFactorAfterEachStepEpoch(int epoch, double expected)
    {
        var parameters = new DlClassifierParam
        {
            LearningRate = 1, Schedule = LearningRateSchedule.Step, StepEpochs = new[] { 2, 4 }, StepFactor = 0.5,
        };

        Assert.Equal(expected, LearningRates.ForEpoch(parameters, epoch, 50));
    }

    [Fact]
    public void ForEpoch_StepWithoutStepEpochs_KeepsTheRate()
    {
        var parameters = new DlClassifierParam { LearningRate = 0.125, Schedule = LearningRateSchedule.Step };

        Assert.Equal(0.125, LearningRates.ForEpoch(parameters, 7, 10));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(10)]
    public void ForEpoch_Constant_IsTheSetRate(int epoch)
    {
        var parameters = new DlClassifierParam { LearningRate = 0.01, Schedule = LearningRateSchedule.Constant };

        Assert.Equal(0.01, LearningRates.ForEpoch(parameters, epoch, 10));
    }
}
