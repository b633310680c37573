using System.Management.Automation;
using DlClassifier.Engine.Devices;
using DlClassifier.Engine.Training;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Sets the hyperparameters a classifier trains with; parameters not given keep their values.</summary>
[Cmdlet(VerbsCommon.Set, "DlClassifierParam")]
[OutputType(typeof(Classifier))]
public sealed class SetDlClassifierParamCommand : DlCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Classifier Classifier { get; set; } = null!;

    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; }

    [Parameter]
    [ValidateRange(1e-9, 10.0)]
    public double LearningRate { get; set; }

    [Parameter]
    [ValidateRange(0.0, 0.9999)]
    public double Momentum { get; set; }

    /// <summary>The L2 regularisation of the weights (weight decay).</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double WeightPrior { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Epochs { get; set; }

    [Parameter]
    public Solver Solver { get; set; }

    [Parameter]
    public LearningRateSchedule Schedule { get; set; }

    /// <summary>The epochs after which the step schedule lowers the learning rate.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int[] StepEpochs { get; set; } = Array.Empty<int>();

    [Parameter]
    [ValidateRange(1e-6, 1.0)]
    public double StepFactor { get; set; }

    /// <summary>The changes without an amount: FlipHorizontal, FlipVertical, Shift, Rotate90, Rotate180.</summary>
    [Parameter]
    public Augmentation Augmentation { get; set; }

    [Parameter]
    [ValidateRange(0.0, 0.5)]
    public double ShiftFraction { get; set; }

    /// <summary>The share of training images augmented in each epoch, in percent; 0 turns augmentation off.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int AugmentationPercentage { get; set; }

    /// <summary>The largest turn either way, in degrees; 0 is off.</summary>
    [Parameter]
    [ValidateRange(0.0, 180.0)]
    public double RotationRange { get; set; }

    /// <summary>The largest brightness change either way, in grey values of 0 to 255; 0 is off.</summary>
    [Parameter]
    [ValidateRange(0, 255)]
    public int BrightnessVariation { get; set; }

    /// <summary>The largest brightness change at the centre of a random round spot, in grey values; 0 is off.</summary>
    [Parameter]
    [ValidateRange(0, 255)]
    public int BrightnessSpotVariation { get; set; }

    /// <summary>The part of each side kept by a random crop that is stretched back, in percent; 100 is off.</summary>
    [Parameter]
    [ValidateRange(10, 100)]
    public int CropPercentage { get; set; }

    /// <summary>The largest relative contrast change either way, from 0 to 1; 0 is off.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double ContrastVariation { get; set; }

    /// <summary>The largest relative saturation change of colour images either way, from 0 to 1; 0 is off.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double SaturationVariation { get; set; }

    /// <summary>The memory for decoded training and validation images, in MiB; beyond it, images are read from
    /// disk in every epoch.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int CacheMegabytes { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int EvaluationInterval { get; set; }

    [Parameter]
    [ValidateRange(0, 100000)]
    public int EarlyStoppingPatience { get; set; }

    /// <summary>auto (CUDA when present, else CPU), cpu, cuda or cuda:N.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DeviceCompleter))]
    [ValidateNotNullOrEmpty]
    public string Device { get; set; } = "auto";

    [Parameter]
    public int Seed { get; set; }

    /// <summary>
    /// CPU threads for libtorch; 0 uses one per logical processor. The limit only stops absurd counts: a
    /// computer with more logical processors than that uses them all with 0.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 256)]
    public int Threads { get; set; }

    /// <summary>None, or InverseFrequency to weigh each class in the loss by how rare it is.</summary>
    [Parameter]
    [Alias("ClassWeights")]
    public ClassWeighting ClassWeighting { get; set; }

    /// <summary>Loss factors by class name, such as @{ bolt = 2.0 }; classes not named keep 1.</summary>
    [Parameter]
    [ValidateNotNull]
    public System.Collections.Hashtable ClassWeight { get; set; } = new();

    /// <summary>
    /// For a pretrained classifier: FineTune trains every layer, the backbone at BackboneLearningRateFactor times
    /// the rate; HeadOnly trains the head alone on features computed once per image, without augmentation.
    /// </summary>
    [Parameter]
    public TransferMode TransferMode { get; set; }

    /// <summary>The backbone's learning rate under FineTune, as a factor of LearningRate.</summary>
    [Parameter]
    [ValidateRange(1e-6, 1.0)]
    public double BackboneLearningRateFactor { get; set; }

    /// <summary>Write the classifier to the pipeline after changing it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        Dictionary<string, object> bound = MyInvocation.BoundParameters;
        if (bound.ContainsKey(nameof(Device)) && !DeviceManager.IsValidRequest(Device))
        {
            Terminate(new ArgumentException($"'{Device}' is not a device. Use auto, cpu, cuda or cuda:N."),
                ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, Device);
        }
        try
        {
            Classifier.UpdateParameters(p =>
            {
                if (bound.ContainsKey(nameof(BatchSize))) p.BatchSize = BatchSize;
                if (bound.ContainsKey(nameof(LearningRate))) p.LearningRate = LearningRate;
                if (bound.ContainsKey(nameof(Momentum))) p.Momentum = Momentum;
                if (bound.ContainsKey(nameof(WeightPrior))) p.WeightPrior = WeightPrior;
                if (bound.ContainsKey(nameof(Epochs))) p.Epochs = Epochs;
                if (bound.ContainsKey(nameof(Solver))) p.Solver = Solver;
                if (bound.ContainsKey(nameof(Schedule))) p.Schedule = Schedule;
                if (bound.ContainsKey(nameof(StepEpochs))) p.StepEpochs = StepEpochs;
                if (bound.ContainsKey(nameof(StepFactor))) p.StepFactor = StepFactor;
                if (bound.ContainsKey(nameof(Augmentation))) p.Augmentation = Augmentation;
                if (bound.ContainsKey(nameof(ShiftFraction))) p.ShiftFraction = ShiftFraction;
                if (bound.ContainsKey(nameof(AugmentationPercentage)))
                {
                    p.AugmentationPercentage = AugmentationPercentage;
                }
                if (bound.ContainsKey(nameof(RotationRange))) p.RotationRange = RotationRange;
                if (bound.ContainsKey(nameof(BrightnessVariation))) p.BrightnessVariation = BrightnessVariation;
                if (bound.ContainsKey(nameof(BrightnessSpotVariation)))
                {
                    p.BrightnessSpotVariation = BrightnessSpotVariation;
                }
                if (bound.ContainsKey(nameof(CropPercentage))) p.CropPercentage = CropPercentage;
                if (bound.ContainsKey(nameof(ContrastVariation))) p.ContrastVariation = ContrastVariation;
                if (bound.ContainsKey(nameof(SaturationVariation))) p.SaturationVariation = SaturationVariation;
                if (bound.ContainsKey(nameof(CacheMegabytes))) p.CacheMegabytes = CacheMegabytes;
                if (bound.ContainsKey(nameof(EvaluationInterval))) p.EvaluationInterval = EvaluationInterval;
                if (bound.ContainsKey(nameof(EarlyStoppingPatience))) p.EarlyStoppingPatience = EarlyStoppingPatience;
                if (bound.ContainsKey(nameof(Device))) p.Device = Device.Trim().ToLowerInvariant();
                if (bound.ContainsKey(nameof(Seed))) p.Seed = Seed;
                if (bound.ContainsKey(nameof(Threads))) p.Threads = Threads;
                if (bound.ContainsKey(nameof(ClassWeighting))) p.ClassWeighting = ClassWeighting;
                if (bound.ContainsKey(nameof(ClassWeight))) p.ClassWeight = ClassFactors();
                if (bound.ContainsKey(nameof(TransferMode))) p.TransferMode = TransferMode;
                if (bound.ContainsKey(nameof(BackboneLearningRateFactor)))
                {
                    p.BackboneLearningRateFactor = BackboneLearningRateFactor;
                }
                ClassWeights.Check(p, Classifier.ClassNames);
            });
        }
        catch (ArgumentOutOfRangeException e)
        {
            Terminate(e, ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, e.ActualValue);
        }
        if (bound.ContainsKey(nameof(Device)))
        {
            DeviceManager.Resolve(Device, out string? warning);
            if (warning is not null)
            {
                WriteWarning(warning);
            }
        }
        if (bound.ContainsKey(nameof(Threads)) && Threads > Environment.ProcessorCount)
        {
            WriteWarning($"{Threads} threads were asked for, but this computer has {Environment.ProcessorCount} " +
                         "logical processor(s). More threads than logical processors slow training down, as they " +
                         "wait for each other. Use -Threads 0 for one per logical processor.");
        }
        if (bound.ContainsKey(nameof(BackboneLearningRateFactor)) && !Classifier.IsPretrained)
        {
            WriteWarning("BackboneLearningRateFactor applies to pretrained classifiers only; this one trains every " +
                         "layer at the full learning rate.");
        }
        if (PassThru)
        {
            WriteObject(Classifier);
        }
    }

    /// <summary>The -ClassWeight table as class name to factor; a value that is not a number is out of range.</summary>
    private Dictionary<string, double> ClassFactors()
    {
        var factors = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in ClassWeight)
        {
            object? value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            double factor;
            try
            {
                factor = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            {
                throw new ArgumentOutOfRangeException(nameof(ClassWeight), value,
                    $"ClassWeight for '{entry.Key}' must be a number above 0; '{value}' was given.");
            }
            factors[entry.Key.ToString() ?? ""] = factor;
        }
        return factors;
    }
}
