using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using DlClassifier.Engine.IO;

namespace DlClassifier.Engine.Plots;

/// <summary>
/// Draws a confusion matrix as a grid of coloured cells, one row per true class and one column per predicted
/// class, each cell labelled with its count or its share of the row.
/// </summary>
public static class ConfusionMatrixPlot
{
    /// <summary>Class names longer than this are shortened with an ellipsis on the axes.</summary>
    internal const int MaximumLabelLength = 24;

    private const double CellSpanForAllClasses = 720;

    private const double SmallestCell = 36;

    private const double LargestCell = 160;

    /// <summary>
    /// Writes a PNG of the confusion matrix <paramref name="counts"/> to <paramref name="path"/>, replacing
    /// any file there in one step.
    /// </summary>
    /// <param name="path">The PNG file to write; its folder is created if missing.</param>
    /// <param name="classNames">The class names, in the order of the rows and columns of
    /// <paramref name="counts"/>.</param>
    /// <param name="counts">Counts indexed [true class, predicted class]; K×K for K class names.</param>
    /// <param name="relative">Label each cell with its percentage of the row (one decimal) instead of its
    /// count.</param>
    /// <remarks>
    /// Cells are coloured by their share of the row in both modes, on a fixed 0–100 % scale, so that the
    /// diagonal reads the same for a rare class as for a common one and pictures of different runs compare.
    /// A class without any sample has an empty row: its shares are drawn as 0, not as undefined. The picture
    /// grows with the number of classes and stays readable up to about 30.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank, there is no class, the matrix is
    /// not K×K, or a count is negative.</exception>
    public static void Write(string path, IReadOnlyList<string> classNames, long[,] counts, bool relative)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(counts);
        var classCount = classNames.Count;
        if (classCount == 0)
        {
            throw new ArgumentException("A confusion matrix needs at least one class.", nameof(classNames));
        }

        if (counts.GetLength(0) != classCount || counts.GetLength(1) != classCount)
        {
            throw new ArgumentException(
                $"The counts must be {classCount}×{classCount}, one row and one column per class name, " +
                $"but are {counts.GetLength(0)}×{counts.GetLength(1)}.",
                nameof(counts));
        }

        foreach (var count in counts)
        {
            if (count < 0)
            {
                throw new ArgumentException($"Counts cannot be negative, but one is {count}.", nameof(counts));
            }
        }

        var shares = RowShares(counts);
        var labels = classNames.Select(ShortenLabel).ToArray();
        var cell = Math.Clamp(Math.Round(CellSpanForAllClasses / classCount), SmallestCell, LargestCell);

        using var plot = new Plot();
        // ScottPlot's Blues runs from dark to light; reversed, an empty cell is white and a full one dark blue.
        var colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = colormap;
        heatmap.ManualRange = new ScottPlot.Range(0, 1);

        // Cell (row, column) is centred on x = column and y = K - 1 - row, so the first class is the top row.
        heatmap.Rectangle = new CoordinateRect(-0.5, classCount - 0.5, -0.5, classCount - 0.5);

        var fontSize = (float)Math.Clamp(cell * 0.28, 9, 16);
        for (var row = 0; row < classCount; row++)
        {
            for (var column = 0; column < classCount; column++)
            {
                var text = plot.Add.Text(CellText(counts, shares, row, column, relative), column, classCount - 1 - row);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                // Empty cells are greyed so that the confusions that did happen stand out in a large matrix.
                text.LabelFontColor = counts[row, column] == 0
                    ? Colors.Gray
                    : colormap.GetColor(shares[row, column]).Luminance > 0.5 ? Colors.Black : Colors.White;
            }
        }

        var columnPositions = Enumerable.Range(0, classCount).Select(index => (double)index).ToArray();
        var rowPositions = columnPositions.Select(position => classCount - 1 - position).ToArray();
        plot.Axes.Bottom.TickGenerator = new NumericManual(columnPositions, labels);
        plot.Axes.Left.TickGenerator = new NumericManual(rowPositions, labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;

        // ScottPlot sizes the bottom axis for unrotated labels; the rotated ones need their diagonal extent.
        var longestLabel = labels.Max(label => label.Length);
        var labelExtent = (float)(longestLabel * 8 * Math.Sqrt(0.5));
        ((ScottPlot.AxisPanels.AxisBase)plot.Axes.Bottom).MinimumSize = labelExtent + 45;
        plot.Axes.SetLimits(-0.5, classCount - 0.5, -0.5, classCount - 0.5);
        plot.HideGrid();

        plot.Title(relative ? "Confusion matrix (% of each true class)" : "Confusion matrix (counts)");
        plot.XLabel("Predicted class");
        plot.YLabel("True class");
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "Share of true class";
        colorBar.Axis.TickGenerator = new NumericManual(
            [0, 0.25, 0.5, 0.75, 1], ["0 %", "25 %", "50 %", "75 %", "100 %"]);

        PlotFonts.Apply(plot);

        var dataSide = (int)(cell * classCount);
        var width = dataSide + longestLabel * 8 + 260;
        var height = dataSide + (int)labelExtent + 150;
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }

    /// <summary>
    /// The share of each cell in its row; a row without any count gives zeros rather than undefined values.
    /// </summary>
    /// <param name="counts">Counts indexed [true class, predicted class].</param>
    internal static double[,] RowShares(long[,] counts)
    {
        var rows = counts.GetLength(0);
        var columns = counts.GetLength(1);
        var shares = new double[rows, columns];
        for (var row = 0; row < rows; row++)
        {
            long total = 0;
            for (var column = 0; column < columns; column++)
            {
                total += counts[row, column];
            }

            if (total == 0)
            {
                continue;
            }

            for (var column = 0; column < columns; column++)
            {
                shares[row, column] = (double)counts[row, column] / total;
            }
        }

        return shares;
    }

    /// <summary>Shortens a class name to <see cref="MaximumLabelLength"/> characters for an axis.</summary>
    /// <param name="name">The class name.</param>
    internal static string ShortenLabel(string name)
    {
        name ??= string.Empty;
        return name.Length <= MaximumLabelLength ? name : name[..(MaximumLabelLength - 1)] + "…";
    }

    private static string CellText(long[,] counts, double[,] shares, int row, int column, bool relative)
    {
        return relative
            ? (shares[row, column] * 100).ToString("0.0", CultureInfo.InvariantCulture)
            : counts[row, column].ToString(CultureInfo.InvariantCulture);
    }
}
