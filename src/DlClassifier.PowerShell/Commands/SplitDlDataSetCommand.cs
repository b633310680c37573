using System.Management.Automation;
using System.Text.RegularExpressions;
using DlClassifier.Engine.Data;
using DlClassifier.PowerShell.Infrastructure;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Splits a data set into training, validation and test subsets, stratified by class. Images of one object and
/// byte-identical copies always land in one subset; classes too small for every subset go to training.
/// </summary>
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

    /// <summary>
    /// What shows that images are of one object, which then land in one subset: the name of a sample property
    /// (Group), or a regular expression with a capture named group matched against each file name, such as
    /// '^(?&lt;group&gt;part\d+)_'. By default the Group property the samples already carry.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? GroupBy { get; set; }

    protected override void ProcessRecord()
    {
        if (TrainingPercent + ValidationPercent > 100)
        {
            Terminate(new ArgumentException(
                    $"TrainingPercent ({TrainingPercent}) and ValidationPercent ({ValidationPercent}) add up to more " +
                    "than 100. Lower one of them."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, ValidationPercent);
        }
        SampleGrouping? grouping = null;
        if (GroupBy is not null)
        {
            try
            {
                grouping = SampleGrouping.Parse(GroupBy);
            }
            catch (ArgumentException e)
            {
                Terminate(e, ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, GroupBy);
            }
        }

        DlDataSet split = null!;
        try
        {
            split = RunEngine("Splitting the data set", (reporter, _) =>
                DataSetSplitter.Split(DataSet, TrainingPercent, ValidationPercent, Seed, grouping, reporter));
        }
        catch (RegexMatchTimeoutException e)
        {
            Terminate(new ArgumentException(
                    $"The GroupBy pattern took too long on the file name '{e.Input}'. Simplify the pattern.", e),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, GroupBy);
        }
        WriteVerbose($"Split {split.Count} images: {split.TrainingCount} training, " +
                     $"{split.ValidationCount} validation, " +
                     $"{split.TestCount} test (seed {Seed}).");
        WriteObject(split);
    }
}
