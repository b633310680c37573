using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Evaluation;
using DlClassifier.Engine.Training;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>The subsets Measure-DlClassifier can evaluate.</summary>
public enum EvaluationSplit
{
    Validation,
    Test,
    Training,
    All,
}

/// <summary>Measures how well a classifier does on a subset of a data set.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "DlClassifier")]
[OutputType(typeof(DlEvaluation))]
public sealed class MeasureDlClassifierCommand : DlCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>The subset to evaluate; the test set is meant to be evaluated once, at the end.</summary>
    [Parameter]
    public EvaluationSplit Split { get; set; } = EvaluationSplit.Validation;

    protected override void ProcessRecord()
    {
        SampleSplit? split = Split switch
        {
            EvaluationSplit.Training => SampleSplit.Training,
            EvaluationSplit.Test => SampleSplit.Test,
            EvaluationSplit.All => null,
            _ => SampleSplit.Validation,
        };
        if (split == SampleSplit.Test && Classifier.TestEvaluatedAt is { } earlier)
        {
            WriteWarning($"This classifier was already evaluated on the test set on {earlier.LocalDateTime:yyyy-MM-dd HH:mm}. " +
                         "Tuning on test results makes them optimistic; use the validation set to tune.");
        }
        try
        {
            DlEvaluation evaluation = RunEngine("Evaluating",
                (reporter, token) => Evaluator.Evaluate(Classifier, DataSet, split, reporter, token));
            if (split == SampleSplit.Test)
            {
                Classifier.MarkTestEvaluated(evaluation.EvaluatedAt);
            }
            foreach (DlClassMetrics undefined in evaluation.PerClass.Where(c => c.Support == 0))
            {
                WriteWarning($"The class '{undefined.ClassName}' has no {Split.ToString().ToLowerInvariant()} image; " +
                             "its recall is undefined and left out of the averages.");
            }
            WriteVerbose($"Top-1 error {evaluation.TopOneError:P2} on {evaluation.ImageCount} {Split} images.");
            WriteObject(evaluation);
        }
        catch (UnknownClassException e)
        {
            Terminate(e, ErrorIds.ClassUnknown, ErrorCategory.InvalidData, e.ClassName);
        }
        catch (InvalidOperationException e)
        {
            Terminate(e, ErrorIds.SplitEmpty, ErrorCategory.InvalidData, Split);
        }
        catch (InvalidDataException e)
        {
            Terminate(e, ErrorIds.ImageUnreadable, ErrorCategory.InvalidData, DataSet);
        }
    }
}
