using System.Globalization;
using System.Net;
using System.Text;
using DlClassifier.Engine.Calibration;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Explanations;
using DlClassifier.Engine.Inference;
using DlClassifier.Engine.IO;
using DlClassifier.Engine.Plots;
using DlClassifier.Engine.Training;

namespace DlClassifier.Engine.Reports;

/// <summary>
/// Writes one self-contained HTML page about a classifier on a subset of a data set: the training curve,
/// the metrics, the confusion matrix, the hardest images with their Grad-CAM maps, and the calibration.
/// </summary>
/// <remarks>
/// Every picture is embedded as a base64 data URI and the styles are inline, so the page can be mailed or
/// archived as one file and opens without any network access. All text from the data (class names, file
/// names) is HTML-encoded.
/// </remarks>
public static class HtmlReport
{
    /// <summary>The ids of the page's sections, in page order.</summary>
    public static readonly IReadOnlyList<string> SectionIds =
        new[] { "summary", "training", "metrics", "confusion", "hardest", "calibration" };

    /// <summary>How many misclassified images the report shows by default.</summary>
    public const int DefaultHardestCount = 12;

    /// <summary>Evaluates the classifier on the subset and writes the page to <paramref name="path"/>.</summary>
    /// <returns>The evaluation the page shows.</returns>
    /// <exception cref="InvalidOperationException">The subset is empty.</exception>
    /// <exception cref="UnknownClassException">A sample's class is not one of the classifier's.</exception>
    /// <exception cref="InvalidDataException">An image cannot be read.</exception>
    public static DlEvaluation Write(DlClassifier classifier, DlDataSet dataSet, SampleSplit split, string path,
        int hardestCount, IEngineReporter? reporter, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        reporter ??= NullReporter.Instance;
        (float[][] logits, int[] labels, string splitName) =
            Calibrator.CollectLogits(classifier, dataSet, split, reporter, cancellation);
        string[] paths = dataSet.InSplit(split).Select(s => s.Path).ToArray();
        double temperature = classifier.Temperature;
        float[][] probabilities = logits
            .Select(row => TemperatureScaling.Softmax(row, temperature).Select(p => (float)p).ToArray())
            .ToArray();
        DlEvaluation evaluation = Evaluator.Summarize(classifier.ClassNames, paths, labels, probabilities, splitName);
        DlCalibration calibration = Calibrator.Measure(logits, labels, temperature, splitName);
        DlImageResult[] hardest = evaluation.Images.Where(image => !image.IsCorrect)
            .OrderByDescending(image => image.Loss).Take(hardestCount).ToArray();

        string pictures = Path.Combine(Path.GetTempPath(), "dl-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(pictures);
        try
        {
            var page = new ReportPage(classifier, evaluation, calibration);
            if (classifier.History.Count > 0)
            {
                string trainingPlot = Path.Combine(pictures, "training.png");
                TrainingPlot.Write(trainingPlot, classifier.History.Select(r => new TrainingPlotPoint(r.Epoch,
                    r.TrainingLoss, r.TrainingError, r.ValidationError, r.LearningRate)).ToArray());
                page.TrainingPlot = File.ReadAllBytes(trainingPlot);
            }

            string confusionPlot = Path.Combine(pictures, "confusion.png");
            ConfusionMatrixPlot.Write(confusionPlot, classifier.ClassNames, ToMatrix(evaluation.ConfusionCounts),
                relative: false);
            page.ConfusionPlot = File.ReadAllBytes(confusionPlot);

            string reliabilityPlot = Path.Combine(pictures, "reliability.png");
            ReliabilityPlot.Write(reliabilityPlot, calibration);
            page.ReliabilityPlot = File.ReadAllBytes(reliabilityPlot);

            for (int i = 0; i < hardest.Length; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                reporter.Progress(new ProgressUpdate(0, "Explaining the hardest images",
                    $"{i + 1} of {hardest.Length}", (double)(i + 1) / hardest.Length, null));
                string overlay = Path.Combine(pictures, $"hardest-{i}.png");
                GradCam.Explain(classifier, hardest[i].Path, null, overlay);
                page.Hardest.Add((hardest[i], File.ReadAllBytes(overlay)));
            }
            reporter.Completed(0);

            AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(page.Render()));
        }
        finally
        {
            Directory.Delete(pictures, recursive: true);
        }
        return evaluation;
    }

    private static long[,] ToMatrix(long[][] counts)
    {
        var matrix = new long[counts.Length, counts.Length];
        for (int row = 0; row < counts.Length; row++)
        {
            for (int column = 0; column < counts.Length; column++)
            {
                matrix[row, column] = counts[row][column];
            }
        }
        return matrix;
    }

    /// <summary>The parts of the page, gathered before it is rendered in one pass.</summary>
    private sealed class ReportPage
    {
        private readonly DlClassifier classifier;
        private readonly DlEvaluation evaluation;
        private readonly DlCalibration calibration;
        private readonly StringBuilder html = new();

        public ReportPage(DlClassifier classifier, DlEvaluation evaluation, DlCalibration calibration)
        {
            this.classifier = classifier;
            this.evaluation = evaluation;
            this.calibration = calibration;
        }

        public byte[]? TrainingPlot { get; set; }

        public byte[]? ConfusionPlot { get; set; }

        public byte[]? ReliabilityPlot { get; set; }

        public List<(DlImageResult Image, byte[] Overlay)> Hardest { get; } = new();

        public string Render()
        {
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .Append("<title>").Append(Encode($"Classifier report: {evaluation.Split} split")).Append("</title>\n")
                .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
            Summary();
            Training();
            Metrics();
            Confusion();
            HardestImages();
            CalibrationSection();
            html.Append("</body>\n</html>\n");
            return html.ToString();
        }

        private void Summary()
        {
            Open("summary", "Classifier report");
            html.Append("<p>").Append(Encode(classifier.ToString())).Append("</p>\n<table>\n");
            Row("Classes", string.Join(", ", classifier.ClassNames));
            Row("Evaluated split", $"{evaluation.Split} ({evaluation.ImageCount} images)");
            Row("Accuracy", Percent(evaluation.Accuracy));
            Row("Temperature", classifier.Temperature.ToString("0.###", CultureInfo.InvariantCulture));
            Row("Written", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
            html.Append("</table>\n");
            Close();
        }

        private void Training()
        {
            Open("training", "Training curve");
            if (TrainingPlot is null)
            {
                Paragraph("The classifier has no training history.");
            }
            else
            {
                Image(TrainingPlot, "Training and validation error, training loss and learning rate by epoch");
            }
            Close();
        }

        private void Metrics()
        {
            Open("metrics", "Metrics");
            html.Append("<table>\n<thead><tr><th>Class</th><th>Precision</th><th>Recall</th><th>F-score</th>")
                .Append("<th>Support</th></tr></thead>\n<tbody>\n");
            foreach (DlClassMetrics metrics in evaluation.PerClass)
            {
                Cells(metrics.ClassName, Percent(metrics.Precision), Percent(metrics.Recall),
                    Percent(metrics.FScore), metrics.Support.ToString(CultureInfo.InvariantCulture));
            }
            Cells("Macro average", Percent(evaluation.MacroPrecision), Percent(evaluation.MacroRecall),
                Percent(evaluation.MacroFScore), evaluation.ImageCount.ToString(CultureInfo.InvariantCulture));
            html.Append("</tbody>\n</table>\n<table>\n");
            Row("Accuracy", Percent(evaluation.Accuracy));
            Row("Balanced accuracy", Percent(evaluation.BalancedAccuracy));
            Row("Top-1 error", Percent(evaluation.TopOneError));
            Row("Log loss", evaluation.LogLoss.ToString("0.####", CultureInfo.InvariantCulture));
            html.Append("</table>\n");
            Paragraph("n/a: undefined, because no image was predicted as or belongs to the class.");
            Close();
        }

        private void Confusion()
        {
            Open("confusion", "Confusion matrix");
            if (ConfusionPlot is not null)
            {
                Image(ConfusionPlot, "Confusion matrix: rows are true classes, columns predicted classes");
            }
            html.Append("<table class=\"matrix\">\n<thead><tr><th>True \\ predicted</th>");
            foreach (string name in evaluation.ClassNames)
            {
                html.Append("<th>").Append(Encode(name)).Append("</th>");
            }
            html.Append("</tr></thead>\n<tbody>\n");
            for (int row = 0; row < evaluation.ClassNames.Length; row++)
            {
                html.Append("<tr><th>").Append(Encode(evaluation.ClassNames[row])).Append("</th>");
                for (int column = 0; column < evaluation.ClassNames.Length; column++)
                {
                    html.Append(row == column ? "<td class=\"hit\">" : "<td>")
                        .Append(evaluation.ConfusionCounts[row][column]).Append("</td>");
                }
                html.Append("</tr>\n");
            }
            html.Append("</tbody>\n</table>\n");
            Close();
        }

        private void HardestImages()
        {
            Open("hardest", "Hardest images");
            if (Hardest.Count == 0)
            {
                Paragraph("Every image was classified correctly.");
            }
            else
            {
                Paragraph("The misclassified images with the highest loss, each with its Grad-CAM map of the " +
                          "predicted class: warm colours mark the regions that drove the prediction.");
                html.Append("<div class=\"grid\">\n");
                foreach ((DlImageResult image, byte[] overlay) in Hardest)
                {
                    string caption = $"{Path.GetFileName(image.Path)}: {image.TrueClass} taken for " +
                                     $"{image.PredictedClass} ({Percent(image.Confidence)}), loss " +
                                     image.Loss.ToString("0.##", CultureInfo.InvariantCulture);
                    html.Append("<figure>");
                    Image(overlay, caption);
                    html.Append("<figcaption>").Append(Encode(caption)).Append("</figcaption></figure>\n");
                }
                html.Append("</div>\n");
            }
            Close();
        }

        private void CalibrationSection()
        {
            Open("calibration", "Calibration");
            Paragraph("Bars show how often the images of each confidence bin were right; a calibrated " +
                      "classifier's bars reach the diagonal. ECE is the expected calibration error over 15 " +
                      "equal-width bins.");
            if (ReliabilityPlot is not null)
            {
                Image(ReliabilityPlot, "Reliability diagram before and after temperature scaling");
            }
            html.Append("<table>\n");
            Row("Temperature", calibration.Temperature.ToString("0.###", CultureInfo.InvariantCulture));
            Row("ECE at temperature 1", Percent(calibration.EceBefore));
            Row("ECE at the classifier's temperature", Percent(calibration.EceAfter));
            Row("Negative log-likelihood at temperature 1",
                calibration.NllBefore.ToString("0.####", CultureInfo.InvariantCulture));
            Row("Negative log-likelihood at the classifier's temperature",
                calibration.NllAfter.ToString("0.####", CultureInfo.InvariantCulture));
            html.Append("</table>\n");
            Close();
        }

        private void Open(string id, string title) =>
            html.Append("<section id=\"").Append(id).Append("\">\n<h2>").Append(Encode(title)).Append("</h2>\n");

        private void Close() => html.Append("</section>\n");

        private void Paragraph(string text) => html.Append("<p>").Append(Encode(text)).Append("</p>\n");

        private void Row(string name, string value) =>
            html.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value))
                .Append("</td></tr>\n");

        private void Cells(string name, params string[] values)
        {
            html.Append("<tr><th>").Append(Encode(name)).Append("</th>");
            foreach (string value in values)
            {
                html.Append("<td>").Append(Encode(value)).Append("</td>");
            }
            html.Append("</tr>\n");
        }

        private void Image(byte[] png, string description) =>
            html.Append("<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(png))
                .Append("\" alt=\"").Append(Encode(description)).Append("\">\n");

        private static string Encode(string text) => WebUtility.HtmlEncode(text);

        private static string Percent(double? fraction) => fraction is null
            ? "n/a"
            : (fraction.Value * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";

        private const string Style = """
            body { font-family: sans-serif; margin: 2em auto; max-width: 1040px; color: #222; }
            section { margin-bottom: 2.5em; }
            h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
            table { border-collapse: collapse; margin: 0.8em 0; }
            th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
            th { background: #f4f4f4; text-align: left; }
            td.hit { background: #e3f0e3; font-weight: bold; }
            img { max-width: 100%; }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 1em; }
            figure { margin: 0; }
            figure img { width: 100%; image-rendering: pixelated; }
            figcaption { font-size: 0.85em; }

            """;
    }
}
