namespace DlClassifier.Engine.Data;

/// <summary>
/// A labelled image collection with its class list and the split of every sample. It is deliberately
/// not enumerable, so that PowerShell passes it through a pipeline as one object.
/// </summary>
public sealed class DlDataSet
{
    public DlDataSet(IReadOnlyList<string> classNames, IReadOnlyList<DlSample> samples,
        IReadOnlyList<string>? roots = null, DlImportReport? importReport = null)
    {
        ClassNames = classNames.ToArray();
        Samples = samples.ToArray();
        Roots = roots?.ToArray() ?? Array.Empty<string>();
        ImportReport = importReport;
    }

    /// <summary>The class names in ordinal order; a sample's class index points into this list.</summary>
    public string[] ClassNames { get; }

    /// <summary>Every sample of the data set.</summary>
    public DlSample[] Samples { get; }

    /// <summary>The folders the data set was imported from; empty when it came from a list or from files.</summary>
    public string[] Roots { get; }

    /// <summary>
    /// What the import found: class counts, skipped and unreadable files, duplicates. Null when unknown.
    /// </summary>
    public DlImportReport? ImportReport { get; }

    public int Count => Samples.Length;

    public int ClassCount => ClassNames.Length;

    public int TrainingCount => Samples.Count(s => s.Split == SampleSplit.Training);

    public int ValidationCount => Samples.Count(s => s.Split == SampleSplit.Validation);

    public int TestCount => Samples.Count(s => s.Split == SampleSplit.Test);

    /// <summary>True once every sample has been assigned to a subset.</summary>
    public bool IsSplit => Samples.Length > 0 && Samples.All(s => s.Split != SampleSplit.None);

    /// <summary>
    /// A data set with the same classes, roots and import report but other samples, such as the same samples
    /// assigned to subsets.
    /// </summary>
    public DlDataSet WithSamples(IReadOnlyList<DlSample> samples) => new(ClassNames, samples, Roots, ImportReport);

    /// <summary>The samples of one subset, in data set order.</summary>
    public IReadOnlyList<DlSample> InSplit(SampleSplit split) => Samples.Where(s => s.Split == split).ToArray();

    /// <summary>How many samples each class has, in class order.</summary>
    public int[] CountPerClass(SampleSplit? split = null)
    {
        var counts = new int[ClassNames.Length];
        foreach (DlSample sample in Samples)
        {
            if (split is null || sample.Split == split)
            {
                counts[sample.ClassIndex]++;
            }
        }
        return counts;
    }

    public override string ToString() =>
        $"{Count} images in {ClassCount} classes ({TrainingCount}/{ValidationCount}/{TestCount})";
}
