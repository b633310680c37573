using System.Management.Automation;
using DlClassifier.Engine.Calibration;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Training;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Calibrates a classifier's probabilities by temperature scaling, or turns the calibration off.</summary>
[Cmdlet(VerbsCommon.Set, "DlClassifierCalibration", DefaultParameterSetName = FitSet)]
[OutputType(typeof(DlCalibration))]
public sealed class SetDlClassifierCalibrationCommand : DlCmdlet
{
    private const string FitSet = "Fit";
    private const string ResetSet = "Reset";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    /// <summary>The data set whose images the temperature is fitted on.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = FitSet)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>The subset to fit on; the validation split, which training did not learn from, by default.</summary>
    [Parameter(ParameterSetName = FitSet)]
    public EvaluationSplit Split { get; set; } = EvaluationSplit.Validation;

    /// <summary>Where to write the reliability plot (PNG) before and after calibration.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateNotNullOrEmpty]
    public string? PlotPath { get; set; }

    /// <summary>Sets the temperature back to 1, the probabilities of the network as trained.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResetSet)]
    public SwitchParameter Reset { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ResetSet)
        {
            Classifier.SetTemperature(1);
            WriteVerbose("Set the temperature back to 1: probabilities are the network's own again.");
            return;
        }
        if (Classifier.PredictsAtRandom)
        {
            WriteWarning("The classifier has not been trained; calibrating random outputs means little.");
        }
        if (Split is EvaluationSplit.Training or EvaluationSplit.All)
        {
            WriteWarning("The network has learnt the training images; a temperature fitted on them is too low. " +
                         "Better calibrate on the validation split.");
        }
        else if (Split == EvaluationSplit.Test)
        {
            WriteWarning("Fitting on the test split makes later test results optimistic; " +
                         "better calibrate on the validation split.");
        }
        SampleSplit? split = Split switch
        {
            EvaluationSplit.Training => SampleSplit.Training,
            EvaluationSplit.Test => SampleSplit.Test,
            EvaluationSplit.All => null,
            _ => SampleSplit.Validation,
        };
        string? plot = PlotPath is null ? null : ResolveOutputPath(PlotPath);
        try
        {
            DlCalibration calibration = RunEngine("Calibrating",
                (reporter, token) => Calibrator.Calibrate(Classifier, DataSet, split, plot, reporter, token));
            if (calibration.Temperature <= TemperatureScaling.MinimumTemperature * 1.01)
            {
                WriteWarning($"The temperature reached its lower bound {TemperatureScaling.MinimumTemperature}: " +
                             $"every {Split} image was right by a wide margin, so the fit sharpens the " +
                             "probabilities without limit. Calibrate on more, or harder, images.");
            }
            WriteVerbose($"Temperature {calibration.Temperature:0.###} on {calibration.ImageCount} {Split} images: " +
                         $"ECE {calibration.EceBefore:P2} before, {calibration.EceAfter:P2} after.");
            WriteObject(calibration);
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Terminate(e, ErrorIds.WriteFailed, ErrorCategory.WriteError, plot);
        }
    }
}
