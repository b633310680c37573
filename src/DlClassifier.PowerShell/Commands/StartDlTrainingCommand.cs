using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Training;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Trains a classifier in place and leaves it holding the weights of the epoch with the lowest validation error.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "DlTraining")]
[OutputType(typeof(DlTrainingResult))]
public sealed class StartDlTrainingCommand : DlCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    /// <summary>A data set split into training and validation (and test) images.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>A PNG of errors, loss and learning rate over the epochs, rewritten after every evaluation.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PlotPath { get; set; }

    /// <summary>A classifier file rewritten atomically every time the validation error improves.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CheckpointPath { get; set; }

    protected override void ProcessRecord()
    {
        if (DataSet.TrainingCount == 0 || DataSet.ValidationCount == 0)
        {
            Terminate(new InvalidOperationException(
                    $"The data set has {DataSet.TrainingCount} training and {DataSet.ValidationCount} validation " +
                    "images; training needs both. Split it first: $dataSet | Split-DlDataSet"),
                ErrorIds.DataSetNotSplit, ErrorCategory.InvalidData, DataSet);
        }
        var options = new TrainingOptions
        {
            PlotPath = PlotPath is null ? null : ResolveOutputPath(PlotPath),
            CheckpointPath = CheckpointPath is null ? null : ResolveOutputPath(CheckpointPath),
        };
        try
        {
            DlTrainingResult result = RunEngine("Training",
                (reporter, token) => Trainer.Train(Classifier, DataSet, options, reporter, token));
            WriteObject(result);
        }
        catch (UnknownClassException e)
        {
            Terminate(e, ErrorIds.ClassUnknown, ErrorCategory.InvalidData, e.ClassName);
        }
        catch (InvalidDataException e)
        {
            Terminate(e, ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, DataSet);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Images beyond the cache are read again in every epoch and may have been moved since the import.
            Terminate(e, ErrorIds.ImageUnreadable, ErrorCategory.ReadError, DataSet);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // Reachable when a script edits $classifier.Parameters directly instead of through Set-DlClassifierParam.
            Terminate(e, ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, e.ActualValue);
        }
        catch (InvalidOperationException e)
        {
            Terminate(e, ErrorIds.TrainingFailed, ErrorCategory.InvalidOperation, Classifier);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Images that cannot be read surface as InvalidDataException, so what is left is the checkpoint write.
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, options.CheckpointPath);
        }
    }
}
