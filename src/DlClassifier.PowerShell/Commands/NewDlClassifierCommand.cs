using System.Management.Automation;
using DlClassifier.Engine.Data;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Persistence;
using DlClassifier.PowerShell.Infrastructure;
using Classifier = DlClassifier.Engine.DlClassifier;

namespace DlClassifier.PowerShell.Commands;

/// <summary>Creates an untrained classifier for the classes and image size of a data set.</summary>
[Cmdlet(VerbsCommon.New, "DlClassifier", DefaultParameterSetName = DataSetSet)]
[OutputType(typeof(Classifier))]
public sealed class NewDlClassifierCommand : DlCmdlet
{
    private const string DataSetSet = "DataSet";
    private const string ClassNameSet = "ClassName";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DataSetSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DlDataSet DataSet { get; set; } = null!;

    /// <summary>The class names, in the order of the network's outputs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [ValidateNotNullOrEmpty]
    public string[] ClassName { get; set; } = Array.Empty<string>();

    [Parameter]
    public NetworkArchitecture Architecture { get; set; } = NetworkArchitecture.CompactCnn;

    /// <summary>The network's input width; from the data set's most common size unless given.</summary>
    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
    [ValidateRange(8, 4096)]
    public int ImageWidth { get; set; }

    [Parameter(ParameterSetName = DataSetSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClassNameSet)]
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
            ImageShape common = NetworkFactory.MostCommonShape(DataSet);
            width = width > 0 ? width : common.Width;
            height = height > 0 ? height : common.Height;
            channels = channels > 0 ? channels : common.Channels;
        }
        Classifier classifier;
        try
        {
            classifier = NetworkFactory.CreateClassifier(Architecture, classNames, width, height, channels);
        }
        catch (ArgumentException e)
        {
            Terminate(e, ErrorIds.ParameterInvalid, ErrorCategory.InvalidArgument, e.ParamName);
            return;
        }
        WriteVerbose($"Created a {Architecture} for {classNames.Length} classes at {width}×{height}×{channels} " +
                     $"with {classifier.ParameterCount:N0} parameters.");
        if (WeightPath is not null)
        {
            LoadWeights(classifier, ResolveOutputPath(WeightPath));
        }
        WriteObject(classifier);
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
