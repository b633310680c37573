using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Splits a data set into training, validation and test subsets, stratified by class.</summary>
[Cmdlet(VerbsCommon.Split, "DlDataSet")]
[OutputType(typeof(DlDataSet))]
public sealed class SplitDlDataSetCommand : DlCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>The share of each class used for training, in percent.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public double TrainingPercent { get; set; } = 70;

    /// <summary>The share of each class used for validation, in percent; the rest is the test set.</summary>
    [Parameter]
    [ValidateRange(0, 99)]
    public double ValidationPercent { get; set; } = 15;

    /// <summary>The same seed gives the same split.</summary>
    [Parameter]
    public int Seed { get; set; } = 42;

    protected override void ProcessRecord()
    {
        if (TrainingPercent + ValidationPercent > 100)
        {
            Terminate(new ArgumentException(
                    $"TrainingPercent ({TrainingPercent}) and ValidationPercent ({ValidationPercent}) add up to more " +
                    "than 100. Lower one of them."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, ValidationPercent);
        }
        DlDataSet split = DataSetSplitter.Split(DataSet, TrainingPercent, ValidationPercent, Seed);
        WriteVerbose($"Split {split.Count} images: {split.TrainingCount} training, {split.ValidationCount} validation, " +
                     $"{split.TestCount} test (seed {Seed}).");
        foreach ((string name, int count) in split.ClassNames.Zip(split.CountPerClass(SampleSplit.Validation)))
        {
            if (count == 0 && ValidationPercent > 0)
            {
                WriteWarning($"The class '{name}' has no validation image; it has too few images for this split.");
            }
        }
        WriteObject(split);
    }
}
