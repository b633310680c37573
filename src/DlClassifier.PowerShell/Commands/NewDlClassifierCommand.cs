using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Persistence;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>
/// Creates an untrained classifier for the classes and image size of a data set, or one on an ImageNet-trained
/// backbone (-Pretrained).
/// </summary>
// ClassName is the default set so that -ClassName alone resolves to it and asks for the input size, rather than
// being ambiguous with the pretrained set; a data set, by position or pipeline, still selects DataSet.
[Cmdlet(VerbsCommon.New, "DlClassifier", DefaultParameterSetName = ClassNameSet)]
[OutputType(typeof(Classifier))]
public sealed class NewDlClassifierCommand : DlCmdlet
{
    private const string DataSetSet = "DataSet";
    private const string ClassNameSet = "ClassName";
    private const string PretrainedClassNameSet = "PretrainedClassName";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DataSetSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>The class names, in the order of the network's outputs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [Parameter(Mandatory = true, ParameterSetName = PretrainedClassNameSet)]
    [ValidateNotNullOrEmpty]
    public string[] ClassName { get; set; } = Array.Empty<string>();

    /// <summary>CompactCnn unless given; CntkResNet18 with -Pretrained.</summary>
    [Parameter]
    public NetworkArchitecture Architecture { get; set; } = NetworkArchitecture.CompactCnn;

    /// <summary>
    /// Start from ImageNet weights: a CntkResNet18 with a new head for the classes, at 224×224×3 unless
    /// -ImageWidth or -ImageHeight gives another size.
    /// </summary>
    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = PretrainedClassNameSet)]
    public SwitchParameter Pretrained { get; set; }

    /// <summary>
    /// The network's input width; from the data set's most common size unless given, 224 for CntkResNet18
    /// (at least 32).
    /// </summary>
    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [Parameter(ParameterSetName = PretrainedClassNameSet)]
    [ValidateRange(8, 4096)]
    public int ImageWidth { get; set; }

    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [Parameter(ParameterSetName = PretrainedClassNameSet)]
    [ValidateRange(8, 4096)]
    public int ImageHeight { get; set; }

    /// <summary>1 for grey, 3 for colour; from the data set's most common channel count unless given.</summary>
    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [ValidateSet("1", "3")]
    public int ImageChannels { get; set; }

    /// <summary>
    /// PyTorch weights to start from: a safetensors file or a state dict saved by torch.save, taken literally
    /// (no wildcards), relative to the current location.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WeightPath { get; set; }

    protected override void ProcessRecord()
    {
        Dictionary<string, object> bound = MyInvocation.BoundParameters;
        NetworkArchitecture architecture = Architecture;
        if (Pretrained)
        {
            if (WeightPath is not null)
            {
                Terminate(new ArgumentException(
                    "-Pretrained starts from the ImageNet weights that come with the module, -WeightPath from a " +
                    "PyTorch file of yours: give one of them."),
                    ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, WeightPath);
            }
            if (bound.ContainsKey(nameof(Architecture)) && Architecture != NetworkArchitecture.CntkResNet18)
            {
                Terminate(new ArgumentException(
                    $"Pretrained weights exist for CntkResNet18 only, not {Architecture}. Leave out -Architecture, " +
                    "or -Pretrained to train from random weights."),
                    ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, Architecture);
            }
            architecture = NetworkArchitecture.CntkResNet18;
        }

        string[] classNames = ClassName;
        int width = ImageWidth, height = ImageHeight, channels = ImageChannels;
        if (ParameterSetName == DataSetSet)
        {
            if (DataSet.Count == 0)
            {
                Terminate(new ArgumentException("The data set holds no image."), ErrorIds.DataSetInvalid,
                    ErrorCategory.InvalidArgument, DataSet);
            }
            classNames = DataSet.ClassNames;
        }
        if (architecture == NetworkArchitecture.CntkResNet18)
        {
            // The size the weights were trained at unless given; images of any size are resized to it when read.
            int size = CntkResNet18Weights.InputSize;
            width = width > 0 ? width : size;
            height = height > 0 ? height : size;
            channels = channels > 0 ? channels : 3;
        }
        else if (ParameterSetName == DataSetSet)
        {
            InputShapeChoice choice = InputShapeChoice.FromDataSet(DataSet);
            if (width == 0 || height == 0)
            {
                WriteVerbose(choice.Describe());
            }
            width = width > 0 ? width : choice.Shape.Width;
            height = height > 0 ? height : choice.Shape.Height;
            channels = channels > 0 ? channels : choice.Shape.Channels;
            RefuseTooSmallChosenSize(architecture, choice, width, height);
        }
        Classifier classifier = Create(architecture, classNames, width, height, channels);
        WriteVerbose($"Created a {architecture}" +
                     (classifier.IsPretrained ? $" with {classifier.PretrainedWeights} weights" : "") +
                     $" for {classNames.Length} classes at {width}×{height}×{channels} with " +
                     $"{classifier.ParameterCount:N0} parameters.");
        if (ParameterSetName == DataSetSet && classifier.Architecture == NetworkArchitecture.CntkResNet18)
        {
            ImageShape common = InputShapeChoice.FromDataSet(DataSet).Shape;
            if ((common.Width, common.Height, common.Channels) != (width, height, channels))
            {
                WriteVerbose($"The images, mostly {common.Width}×{common.Height}×{common.Channels}, are resized to " +
                             $"{width}×{height}" + (common.Channels == 1 ? " and repeated into three channels" : "") +
                             " when read.");
            }
        }
        if (WeightPath is not null)
        {
            LoadWeights(classifier, ResolveOutputPath(WeightPath));
        }
        WriteObject(classifier);
    }

    /// <summary>
    /// Stops with the files behind a size taken from the data set that the architecture cannot take, since the
    /// user gave no size and the network's own message would name neither the files nor the parameters.
    /// </summary>
    private void RefuseTooSmallChosenSize(NetworkArchitecture architecture, InputShapeChoice choice, int width,
        int height)
    {
        int minimum = NetworkFactory.MinimumSide(architecture);
        if (Math.Min(width, height) >= minimum)
        {
            return;
        }
        const int listed = 5;
        string[] files = DataSet.Samples
            .Where(s => (s.Width, s.Height) == (choice.Shape.Width, choice.Shape.Height))
            .Select(s => s.Path).ToArray();
        string more = files.Length > listed ? $" and {files.Length - listed:N0} more" : "";
        Terminate(new ArgumentException(
                $"{choice.Describe()} {architecture} needs images of at least {minimum}×{minimum} pixels, not " +
                $"{width}×{height}. Give the size with -ImageWidth and -ImageHeight (images are resized when read), " +
                $"or remove the small images: {string.Join(", ", files.Take(listed).Select(f => $"'{f}'"))}{more}."),
            ErrorIds.ParameterInvalid, ErrorCategory.InvalidData, files);
    }

    private Classifier Create(NetworkArchitecture architecture, string[] classNames, int width, int height,
        int channels)
    {
        try
        {
            if (!Pretrained)
            {
                return NetworkFactory.CreateClassifier(architecture, classNames, width, height, channels);
            }
            if (channels != 3)
            {
                throw new ArgumentException($"The pretrained network takes colour input, not {channels} " +
                    "channel(s); leave out -ImageChannels, and grey images are repeated into three channels when " +
                    "read.", nameof(ImageChannels));
            }
            int minimum = CntkResNet18Weights.MinimumSize;
            foreach ((string name, int side) in new[] { (nameof(ImageWidth), width), (nameof(ImageHeight), height) })
            {
                if (side < minimum)
                {
                    throw new ArgumentException($"The pretrained network takes images of at least {minimum}×" +
                        $"{minimum} pixels; -{name} {side} is too small. Images are resized when read, so a " +
                        "larger size works for small images too.", name);
                }
            }
            return NetworkFactory.CreatePretrainedClassifier(classNames, null, width, height);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
        {
            (string id, ErrorCategory category, object? target) = e switch
            {
                ArgumentException argument => (ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument,
                    (object?)argument.ParamName),
                FileNotFoundException missing => (ErrorIds.PretrainedModelUnavailable, ErrorCategory.ObjectNotFound,
                    missing.FileName),
                _ => (ErrorIds.PretrainedModelUnavailable, ErrorCategory.InvalidData, CntkResNet18Weights.BackbonePath),
            };
            Terminate(e, id, category, target);
            throw;
        }
    }

    private void LoadWeights(Classifier classifier, string path)
    {
        PretrainedWeights loaded;
        try
        {
            loaded = PyTorchWeights.Load(classifier, path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            classifier.Dispose();
            Terminate(new ItemNotFoundException($"Cannot find the weight file '{path}' because it does not exist.", e),
                ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path);
            return;
        }
        catch (WeightMismatchException e)
        {
            classifier.Dispose();
            Terminate(e, ErrorIds.WeightsMismatch, ErrorCategory.InvalidData, path);
            return;
        }
        catch (WeightFileException e)
        {
            classifier.Dispose();
            Terminate(e, ErrorIds.WeightFileInvalid, ErrorCategory.InvalidData, path);
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            classifier.Dispose();
            Terminate(e, ErrorIds.WeightFileInvalid, ErrorCategory.ReadError, path);
            return;
        }

        WriteVerbose($"Loaded {loaded.LoadedEntries} weight tensors from '{path}' ({loaded.Format}).");
        if (loaded.SummedOverChannels is { } summed)
        {
            WriteVerbose($"Summed the file's colour kernels of {summed} over their three channels for grey input.");
        }
        if (loaded.KeptNew.Length > 0)
        {
            string reason = loaded.FileClassCount is { } fileClasses
                ? $"the file's head has {fileClasses} outputs, this classifier {classifier.ClassNames.Length} classes"
                : "the file has no classification head";
            WriteVerbose($"Kept the drawn weights of the classification head ({string.Join(", ", loaded.KeptNew)}): " +
                         $"{reason}.");
        }
    }
}
