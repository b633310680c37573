using System.Management.Automation;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Plots;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Gets the confusion matrix of an evaluation, optionally as row fractions, as an annotated PNG and as CSV.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DlConfusionMatrix")]
[OutputType(typeof(DlConfusionMatrix))]
public sealed class GetDlConfusionMatrixCommand : DlCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlEvaluation Evaluation { get; set; } = null!;

    /// <summary>Divide each row by its total, so a cell is the fraction of the true class's images.</summary>
    [Parameter]
    public SwitchParameter Relative { get; set; }

    /// <summary>Also draw the matrix, annotated with its values, to this PNG.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PlotPath { get; set; }

    /// <summary>Also write the matrix as CSV: a TrueClass column, then one column per predicted class.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CsvPath { get; set; }

    protected override void ProcessRecord()
    {
        var matrix = new DlConfusionMatrix(Evaluation.ClassNames, Evaluation.ConfusionCounts, Relative);
        if (CsvPath is not null)
        {
            string path = ResolveOutputPath(CsvPath);
            try
            {
                matrix.WriteCsv(path);
                WriteVerbose($"Wrote the confusion matrix as CSV to '{path}'.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(Error(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, path));
            }
        }
        if (PlotPath is not null)
        {
            string path = ResolveOutputPath(PlotPath);
            try
            {
                ConfusionMatrixPlot.Write(path, matrix.ClassNames, ToRectangular(matrix.Counts), Relative);
                WriteVerbose($"Wrote the confusion matrix to '{path}'.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(Error(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, path));
            }
        }
        WriteObject(matrix);
    }

    private static long[,] ToRectangular(long[][] rows)
    {
        var matrix = new long[rows.Length, rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < rows.Length; c++)
            {
                matrix[r, c] = rows[r][c];
            }
        }
        return matrix;
    }
}
