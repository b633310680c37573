using System.Globalization;
using DlClassifier.Engine.IO;
using DlClassifier.Engine.Plots;
using ScottPlot;

namespace DlClassifier.Engine.Calibration;

/// <summary>
/// Draws reliability diagrams: for each confidence bin, the accuracy of its images as a bar against the
/// diagonal where accuracy equals confidence, before calibration on the left and after it on the right.
/// </summary>
public static class ReliabilityPlot
{
    internal const int PixelWidth = 1000;

    internal const int PixelHeight = 480;

    private static readonly Color BarColor = Color.FromHex("#1f77b4");

    private static readonly Color GapColor = Color.FromHex("#d62728");

    private static readonly Color DiagonalColor = Color.FromHex("#555555");

    /// <summary>Writes the PNG to <paramref name="path"/>, replacing any file there in one step.</summary>
    /// <remarks>
    /// A bar under the diagonal means over-confidence: the images of that bin were right less often than the
    /// classifier claimed. The red outline marks the gap between a bar and its bin's mean confidence. Empty
    /// bins have no bar.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    public static void Write(string path, DlCalibration calibration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(calibration);

        using Plot before = CreatePanel(calibration.BinsBefore,
            $"Before: T = 1, ECE {Percent(calibration.EceBefore)}");
        using Plot after = CreatePanel(calibration.BinsAfter,
            $"After: T = {calibration.Temperature.ToString("0.###", CultureInfo.InvariantCulture)}, " +
            $"ECE {Percent(calibration.EceAfter)}");
        var figure = new Multiplot(before);
        figure.AddPlot(after);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();

        using var image = figure.Render(PixelWidth, PixelHeight);
        AtomicFile.WriteAllBytes(path, image.GetImageBytes(ImageFormat.Png));
    }

    private static Plot CreatePanel(IReadOnlyList<ReliabilityBin> bins, string title)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("Confidence");
        plot.YLabel("Accuracy");

        var gaps = new List<Bar>();
        var bars = new List<Bar>();
        foreach (ReliabilityBin bin in bins.Where(b => b.Count > 0))
        {
            double centre = (bin.Lower + bin.Upper) / 2;
            double width = (bin.Upper - bin.Lower) * 0.9;
            gaps.Add(new Bar
            {
                Position = centre, Value = bin.MeanConfidence!.Value, Size = width,
                FillColor = GapColor.WithAlpha(0.25), LineColor = GapColor, LineWidth = 1,
            });
            bars.Add(new Bar
            {
                Position = centre, Value = bin.Accuracy!.Value, Size = width, FillColor = BarColor,
                LineColor = BarColor.Darken(0.3), LineWidth = 1,
            });
        }
        plot.Add.Bars(gaps);
        plot.Add.Bars(bars);

        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.Color = DiagonalColor;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LineWidth = 1.5f;

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Accuracy", FillColor = BarColor });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "Gap to confidence", FillColor = GapColor.WithAlpha(0.25), LineColor = GapColor,
        });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "Perfect calibration", LineColor = DiagonalColor, LineWidth = 1.5f,
        });
        plot.ShowLegend(Alignment.UpperLeft);

        plot.Axes.SetLimits(0, 1, 0, 1.05);
        PlotFonts.Apply(plot);
        return plot;
    }

    private static string Percent(double fraction) =>
        (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
