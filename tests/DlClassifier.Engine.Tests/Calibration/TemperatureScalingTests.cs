using DlClassifier.Engine.Calibration;
using Xunit;

namespace DlClassifier.Engine.Tests.Calibration;

public sealed class TemperatureScalingTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    [InlineData(10.0)]
    public void Fit_LabelsDrawnAtKnownTemperature_FindsThatTemperature(double truth)
    {
        (float[][] logits, int[] labels) = Draw(truth, count: 6000, seed: 5);

        double fitted = TemperatureScaling.Fit(logits, labels);

        Assert.InRange(fitted, truth * 0.9, truth * 1.1);
    }

    [Fact]
    public void Fit_OverConfidentLogits_LowersEceAndNll()
    {
        // The labels follow softmax(z), but the network reports 10·z: far too sure of itself.
        (float[][] logits, int[] labels) = Draw(10, count: 4000, seed: 9);

        double temperature = TemperatureScaling.Fit(logits, labels);
        DlCalibration calibration = Calibrator.Measure(logits, labels, temperature, "Validation");

        Assert.True(calibration.EceAfter < calibration.EceBefore / 3,
            $"ECE {calibration.EceBefore} before, {calibration.EceAfter} after");
        Assert.True(calibration.NllAfter < calibration.NllBefore);
        Assert.InRange(calibration.EceAfter, 0, 0.03);
    }

    [Fact]
    public void Fit_ChangesNoPrediction()
    {
        (float[][] logits, int[] labels) = Draw(3, count: 500, seed: 2);

        double temperature = TemperatureScaling.Fit(logits, labels);

        Assert.All(logits, row => Assert.Equal(Array.IndexOf(row, row.Max()),
            Array.IndexOf(TemperatureScaling.Softmax(row, temperature),
                TemperatureScaling.Softmax(row, temperature).Max())));
    }

    [Fact]
    public void ExpectedCalibrationError_HandBuiltTable_IsExact()
    {
        // Bin 15 (14/15, 1]: four images at 0.95, three right: gap 0.2. Bin 9 (8/15, 9/15]: two at 0.55, one
        // right: gap 0.05. ECE = (4·0.2 + 2·0.05) / 6 = 0.15.
        double[] confidences = { 0.95, 0.95, 0.95, 0.95, 0.55, 0.55 };
        bool[] correct = { true, true, true, false, true, false };

        double ece = TemperatureScaling.ExpectedCalibrationError(confidences, correct);

        Assert.Equal(0.15, ece, 12);
    }

    [Fact]
    public void ExpectedCalibrationError_PerfectlyCalibratedBins_IsZero()
    {
        double[] confidences = { 0.5, 0.5, 1, 1 };
        bool[] correct = { true, false, true, true };

        Assert.Equal(0, TemperatureScaling.ExpectedCalibrationError(confidences, correct), 12);
    }

    [Fact]
    public void ExpectedCalibrationError_NoImages_IsZero()
    {
        Assert.Equal(0, TemperatureScaling.ExpectedCalibrationError(Array.Empty<double>(), Array.Empty<bool>()));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.01, 0)]
    [InlineData(0.5, 7)]
    [InlineData(0.99, 14)]
    [InlineData(1.0, 14)]
    public void Bins_Confidence_FallsIntoItsBin(double confidence, int expectedBin)
    {
        ReliabilityBin[] bins = TemperatureScaling.Bins(new[] { confidence }, new[] { true });

        Assert.Equal(15, bins.Length);
        Assert.Equal(1, bins[expectedBin].Count);
        Assert.Equal(1, bins.Sum(b => b.Count));
        Assert.All(bins.Where(b => b.Count == 0), b => Assert.Null(b.Accuracy));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Bins_ConfidenceOutsideZeroToOne_Throws(double confidence)
    {
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Bins(new[] { confidence }, new[] { true }));
    }

    [Fact]
    public void NegativeLogLikelihood_EqualLogits_IsLogOfClassCount()
    {
        float[][] logits = { new float[4], new float[4] };

        double nll = TemperatureScaling.NegativeLogLikelihood(logits, new[] { 0, 3 }, 1.7);

        Assert.Equal(Math.Log(4), nll, 12);
    }

    [Fact]
    public void NegativeLogLikelihood_HugeLogits_StaysFinite()
    {
        float[][] logits = { new[] { 1e4f, -1e4f } };

        Assert.Equal(2e4, TemperatureScaling.NegativeLogLikelihood(logits, new[] { 1 }, 1), 6);
    }

    [Fact]
    public void Fit_NoImages_Throws()
    {
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit(Array.Empty<float[]>(), Array.Empty<int>()));
    }

    [Fact]
    public void Fit_LabelCountDiffers_Throws()
    {
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit(new[] { new float[2] }, new[] { 0, 1 }));
    }

    /// <summary>
    /// Logits z·<paramref name="temperature"/> with z normal (σ = 2, five classes) and labels drawn from
    /// softmax(z): softmax(logits / temperature) is then the true distribution.
    /// </summary>
    private static (float[][] Logits, int[] Labels) Draw(double temperature, int count, int seed)
    {
        var random = new Random(seed);
        var logits = new float[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            double[] z = Enumerable.Range(0, 5).Select(_ => 2 * Normal(random)).ToArray();
            double[] p = TemperatureScaling.Softmax(z.Select(v => (float)v).ToArray(), 1);
            double u = random.NextDouble();
            int label = 0;
            for (double cumulative = p[0]; cumulative < u && label < p.Length - 1; cumulative += p[++label])
            {
            }
            labels[i] = label;
            logits[i] = z.Select(v => (float)(v * temperature)).ToArray();
        }
        return (logits, labels);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
