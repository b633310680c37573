namespace DlClassifier.Engine.Data;

/// <summary>The subset a sample belongs to after <see cref="DataSetSplitter"/> has run.</summary>
public enum SampleSplit
{
    /// <summary>Not yet assigned to a subset.</summary>
    None,

    /// <summary>Used to fit the weights.</summary>
    Training,

    /// <summary>Used to choose the best epoch and to tune hyperparameters.</summary>
    Validation,

    /// <summary>Held back for one final, unbiased measurement.</summary>
    Test,
}

/// <summary>One labelled image of a data set.</summary>
public sealed class DlSample
{
    public DlSample(string path, string className, int classIndex, SampleSplit split = SampleSplit.None,
        string? group = null, int width = 0, int height = 0, int channels = 0, string? contentHash = null)
    {
        ContentHash = contentHash;
        Path = path;
        ClassName = className;
        ClassIndex = classIndex;
        Split = split;
        Group = group;
        Width = width;
        Height = height;
        Channels = channels;
    }

    /// <summary>The full file-system path of the image.</summary>
    public string Path { get; }

    /// <summary>The class label, as named by the data set.</summary>
    public string ClassName { get; }

    /// <summary>The position of <see cref="ClassName"/> in the data set's ordinal class order.</summary>
    public int ClassIndex { get; }

    /// <summary>The subset this sample belongs to.</summary>
    public SampleSplit Split { get; }

    /// <summary>The physical object the image shows; all images of one group land in one subset.</summary>
    public string? Group { get; }

    /// <summary>The image width in pixels, as read from the file header.</summary>
    public int Width { get; }

    /// <summary>The image height in pixels, as read from the file header.</summary>
    public int Height { get; }

    /// <summary>1 for a grey image, 3 for a colour image.</summary>
    public int Channels { get; }

    /// <summary>The SHA-256 of the file's bytes (hexadecimal); equal hashes mean byte-identical files.</summary>
    public string? ContentHash { get; }

    /// <summary>A copy of this sample assigned to another subset.</summary>
    public DlSample WithSplit(SampleSplit split) =>
        new(Path, ClassName, ClassIndex, split, Group, Width, Height, Channels, ContentHash);

    /// <summary>A copy of this sample assigned to another subset and to another group.</summary>
    public DlSample WithSplit(SampleSplit split, string? group) =>
        new(Path, ClassName, ClassIndex, split, group, Width, Height, Channels, ContentHash);

    public override string ToString() => $"{ClassName}: {Path}";
}
