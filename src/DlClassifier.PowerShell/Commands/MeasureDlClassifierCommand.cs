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

/// <summary>Measures how well a classifier does on a subset of a data set, or on a folder of class folders.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "DlClassifier", DefaultParameterSetName = DataSetSet)]
[OutputType(typeof(DlEvaluation))]
public sealed class MeasureDlClassifierCommand : DlCmdlet
{
    private const string DataSetSet = "DataSet";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>A ratio of largest to smallest class above this is reported as imbalance.</summary>
    private const double ImbalanceRatio = 10;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = DataSetSet)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>A folder with one folder of images per class, all evaluated; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>The subset to evaluate; the test set is meant to be evaluated once, at the end.</summary>
    [Parameter(ParameterSetName = DataSetSet)]
    public EvaluationSplit Split { get; set; } = EvaluationSplit.Validation;

    /// <summary>The k of the top-k error; clamped to the class count.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TopK { get; set; } = Evaluator.DefaultTopK;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == DataSetSet)
        {
            MeasureDataSet();
            return;
        }
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string folder in ResolveExisting(literal ? LiteralPath : Path, literal))
        {
            MeasureFolder(folder);
        }
    }

    private void MeasureDataSet()
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
            WriteWarning("This classifier was already evaluated on the test set on " +
                         $"{earlier.LocalDateTime:yyyy-MM-dd HH:mm}. " +
                         "Tuning on test results makes them optimistic; use the validation set to tune.");
        }
        try
        {
            DlEvaluation evaluation = RunEngine("Evaluating",
                (reporter, token) => Evaluator.Evaluate(Classifier, DataSet, split, reporter, token, TopK));
            if (split == SampleSplit.Test)
            {
                Classifier.MarkTestEvaluated(evaluation.EvaluatedAt);
            }
            Report(evaluation, $"{Split.ToString().ToLowerInvariant()} image");
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

    private void MeasureFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            WriteError(Error(new ArgumentException(
                    $"'{folder}' is a file. Give a folder that holds one folder of images per class."),
                ErrorIds.DataSetInvalid, ErrorCategory.InvalidArgument, folder));
            return;
        }
        try
        {
            DlEvaluation evaluation = RunEngine("Evaluating",
                (reporter, token) => Evaluator.EvaluateFolder(Classifier, folder, reporter, token, TopK));
            Report(evaluation, $"image in '{folder}'");
        }
        catch (UnknownClassException e)
        {
            Terminate(e, ErrorIds.ClassUnknown, ErrorCategory.InvalidData, e.ClassName);
        }
        catch (InvalidDataException e)
        {
            Terminate(e, ErrorIds.DataSetInvalid, ErrorCategory.InvalidData, folder);
        }
    }

    /// <summary>Warns of classes without images and of imbalance, then writes the evaluation.</summary>
    /// <param name="imagesOf">What one image of the evaluated set is called, as in "no validation image".</param>
    private void Report(DlEvaluation evaluation, string imagesOf)
    {
        foreach (DlClassMetrics undefined in evaluation.PerClass.Where(c => c.Support == 0))
        {
            WriteWarning($"The class '{undefined.ClassName}' has no {imagesOf}; " +
                         "its recall is undefined and left out of the averages.");
        }
        DlClassMetrics[] present = evaluation.PerClass.Where(c => c.Support > 0).ToArray();
        if (present.Length > 1)
        {
            DlClassMetrics largest = present.MaxBy(c => c.Support)!;
            DlClassMetrics smallest = present.MinBy(c => c.Support)!;
            double ratio = (double)largest.Support / smallest.Support;
            if (ratio > ImbalanceRatio)
            {
                WriteWarning($"The evaluated classes are imbalanced {ratio:0.#}:1 ('{largest.ClassName}' has " +
                             $"{largest.Support} images, '{smallest.ClassName}' {smallest.Support}). Accuracy " +
                             "follows the large classes; read BalancedAccuracy and the per-class figures.");
            }
        }
        WriteVerbose($"Top-1 error {evaluation.TopOneError:P2}, top-{evaluation.TopK} error " +
                     $"{evaluation.TopKError:P2} on {evaluation.ImageCount} images ({evaluation.Split}).");
        WriteObject(evaluation);
    }
}
