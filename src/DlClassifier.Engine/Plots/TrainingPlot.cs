using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using DlClassifier.Engine.IO;

namespace DlClassifier.Engine.Plots;

/// <summary>
/// Draws the course of a training run: error rates in an upper panel, loss and learning rate in a lower one.
/// </summary>
public static class TrainingPlot
{
    /// <summary>Width of the picture in pixels.</summary>
    internal const int PixelWidth = 1000;

    /// <summary>Height of the picture in pixels.</summary>
    internal const int PixelHeight = 600;

    // Both panels get the same side margins, so that their epoch axes line up; the right one leaves room for
    // the learning-rate axis of the lower panel.
    private const float LeftMargin = 80;

    private const float RightMargin = 85;

    // Each legend is a single row along the top of its panel; the vertical axes reach this fraction above the
    // highest value so that the row never covers a point.
    private const double LegendHeadroom = 0.25;

    private static readonly Color TrainingColor = Color.FromHex("#1f77b4");

    private static readonly Color ValidationColor = Color.FromHex("#ff7f0e");

    private static readonly Color BestColor = Color.FromHex("#d62728");

    private static readonly Color LossColor = Color.FromHex("#333333");

    private static readonly Color LearningRateColor = Color.FromHex("#2ca02c");

    /// <summary>
    /// Writes a PNG of <paramref name="points"/> to <paramref name="path"/>, replacing any file there in one
    /// step so that a viewer watching it during training never sees a partial picture.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created if missing.</param>
    /// <param name="points">One point per finished epoch, in any order; at least one.</param>
    /// <remarks>
    /// The upper panel shows training and validation error as percentages and marks the epoch with the lowest
    /// validation error. The lower panel shows the training loss on the left axis and the learning rate on
    /// the right one. Missing error measurements are left out of their line, and values that are not finite
    /// (a diverged loss) are skipped rather than drawn.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank or <paramref name="points"/> is
    /// empty.</exception>
    public static void Write(string path, IReadOnlyList<TrainingPlotPoint> points)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw new ArgumentException("A training plot needs at least one epoch.", nameof(points));
        }

        var ordered = points.OrderBy(point => point.Epoch).ToArray();
        var epochRange = EpochRange(ordered);

        using var errorPlot = CreateErrorPanel(ordered, epochRange);
        using var lossPlot = CreateLossPanel(ordered, epochRange);

        var figure = new Multiplot(errorPlot);
        figure.AddPlot(lossPlot);
        figure.Layout = new ScottPlot.MultiplotLayouts.Rows();

        using var image = figure.Render(PixelWidth, PixelHeight);
        AtomicFile.WriteAllBytes(path, image.GetImageBytes(ImageFormat.Png));
    }

    private static Plot CreateErrorPanel(TrainingPlotPoint[] points, (double Min, double Max) epochRange)
    {
        var plot = new Plot();
        plot.Title("Training progress");
        plot.YLabel("Error");

        var training = Series(points, point => point.TrainingError);
        var validation = Series(points, point => point.ValidationError);
        if (training.Epochs.Length > 0)
        {
            AddLine(plot, training, TrainingColor, "Training error");
        }

        if (validation.Epochs.Length > 0)
        {
            AddLine(plot, validation, ValidationColor, "Validation error");
        }

        if (validation.Epochs.Length > 0)
        {
            var best = Array.IndexOf(validation.Values, validation.Values.Min());
            var marker = plot.Add.Marker(validation.Epochs[best], validation.Values[best], MarkerShape.OpenCircle, 16);
            marker.Color = BestColor;
            marker.LineWidth = 2;
            marker.LegendText = string.Format(
                CultureInfo.InvariantCulture,
                "Best validation: {0} (epoch {1})",
                FormatPercent(validation.Values[best]),
                validation.Epochs[best]);
        }

        if (training.Epochs.Length == 0 && validation.Epochs.Length == 0)
        {
            var note = plot.Add.Annotation("No error measured yet", Alignment.MiddleCenter);
            note.LabelBackgroundColor = Colors.White;
            note.LabelShadowColor = Colors.Transparent;
        }

        var highest = training.Values.Concat(validation.Values).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, Math.Max(highest, 0.04) * (1 + LegendHeadroom));
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            // The headroom above 100 % is only there for the legend and carries no tick label.
            LabelFormatter = value => value <= 1.0001 ? FormatPercent(value) : string.Empty,
        };
        plot.Axes.SetLimitsX(epochRange.Min, epochRange.Max);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        ShowLegendRow(plot);
        LockSideAxes(plot);

        PlotFonts.Apply(plot);
        return plot;
    }

    private static Plot CreateLossPanel(TrainingPlotPoint[] points, (double Min, double Max) epochRange)
    {
        var plot = new Plot();
        plot.XLabel("Epoch");
        plot.YLabel("Training loss");
        plot.Axes.Right.Label.Text = "Learning rate";

        var loss = Series(points, point => point.TrainingLoss);
        AddLine(plot, loss, LossColor, "Training loss");

        var learningRate = Series(points, point => point.LearningRate);
        var learningRateLine = AddLine(plot, learningRate, LearningRateColor, "Learning rate (right axis)");
        learningRateLine.Axes.YAxis = plot.Axes.Right;
        learningRateLine.LinePattern = LinePattern.Dashed;

        var (lossMin, lossMax) = AxisRange(loss.Values);
        plot.Axes.SetLimitsY(lossMin, lossMax, plot.Axes.Left);
        var (rateMin, rateMax) = AxisRange(learningRate.Values);
        plot.Axes.SetLimitsY(rateMin, rateMax, plot.Axes.Right);
        plot.Axes.Right.TickGenerator = new NumericAutomatic
        {
            LabelFormatter = value => value.ToString("G3", CultureInfo.InvariantCulture),
        };

        plot.Axes.SetLimitsX(epochRange.Min, epochRange.Max);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        ShowLegendRow(plot);
        LockSideAxes(plot);

        PlotFonts.Apply(plot);
        return plot;
    }

    private static void ShowLegendRow(Plot plot)
    {
        var legend = plot.ShowLegend(Alignment.UpperCenter, Orientation.Horizontal);
        legend.TightHorizontalWrapping = true;
    }

    private static void LockSideAxes(Plot plot)
    {
        foreach (var (axis, size) in new[] { (plot.Axes.Left, LeftMargin), (plot.Axes.Right, RightMargin) })
        {
            var panel = (ScottPlot.AxisPanels.AxisBase)axis;
            panel.MinimumSize = size;
            panel.MaximumSize = size;
            panel.SizeWhenNoData = size;
        }
    }

    private static ScottPlot.Plottables.Scatter AddLine(Plot plot, (double[] Epochs, double[] Values) series,
        Color color, string legendText)
    {
        var line = plot.Add.Scatter(series.Epochs, series.Values, color);
        line.LegendText = legendText;
        line.LineWidth = 2;

        // Markers keep a single epoch visible, where there is no line segment to draw.
        line.MarkerSize = 5;
        return line;
    }

    private static (double[] Epochs, double[] Values) Series(
        TrainingPlotPoint[] points, Func<TrainingPlotPoint, double?> select)
    {
        var kept = points
            .Select(point => (point.Epoch, Value: select(point)))
            .Where(pair => pair.Value is double value && double.IsFinite(value))
            .ToArray();
        return (kept.Select(pair => (double)pair.Epoch).ToArray(), kept.Select(pair => pair.Value!.Value).ToArray());
    }

    private static (double Min, double Max) EpochRange(TrainingPlotPoint[] ordered)
    {
        double first = ordered[0].Epoch;
        double last = ordered[^1].Epoch;
        var margin = Math.Max(0.5, (last - first) * 0.02);
        return (first - margin, last + margin);
    }

    /// <summary>
    /// An axis range for <paramref name="values"/>: from zero when none is negative (a loss, a learning rate),
    /// with the legend's room above, and never empty, so that a single value still gets a usable axis.
    /// </summary>
    private static (double Min, double Max) AxisRange(double[] values)
    {
        if (values.Length == 0)
        {
            return (0, 1);
        }

        var min = values.Min();
        var max = values.Max();
        var lower = min >= 0 ? 0 : min - Math.Max(max - min, 1e-6) * 0.05;
        var upper = max > lower ? max : lower + 1;
        return (lower, upper + (upper - lower) * LegendHeadroom);
    }

    private static string FormatPercent(double fraction)
    {
        return (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
    }
}
