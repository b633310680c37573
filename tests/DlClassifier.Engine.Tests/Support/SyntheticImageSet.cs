using DlClassifier.Engine.Data;
using DlClassifier.Engine.Models;
using DlClassifier.Engine.Training;

namespace DlClassifier.Engine.Tests.Support;

/// <summary>
/// Two classes of 16×16 grey images, 12 each, that a network separates within a few epochs: "left" images
/// are bright on the left half, "right" images on the right half. Split 50/25/25, so 12 training,
/// 6 validation and 6 test images.
/// </summary>
public sealed class SyntheticImageSet : IDisposable
{
    public const int ImagesPerClass = 12;

    private readonly TemporaryFolder folder = new("synthetic");

    public SyntheticImageSet()
    {
        for (int i = 0; i < ImagesPerClass; i++)
        {
            TestImages.WriteHalfBright(folder.Combine("left", $"{i:D2}.png"), brightLeft: true, variant: i);
            TestImages.WriteHalfBright(folder.Combine("right", $"{i:D2}.png"), brightLeft: false, variant: i);
        }
        DataSet = DataSetSplitter.Split(DataSetImporter.ImportFolders(new[] { folder.Path }), 50, 25, seed: 1);
    }

    public DlDataSet DataSet { get; }

    public string Root => folder.Path;

    public string[] AllPaths => DataSet.Samples.Select(s => s.Path).ToArray();

    public string[] PathsOf(SampleSplit split) => DataSet.InSplit(split).Select(s => s.Path).ToArray();

    /// <summary>
    /// Parameters for a quick, reproducible training on the CPU. Mirroring is off: it would swap the classes.
    /// </summary>
    public static DlClassifierParam QuickParameters(int seed = 11, int epochs = 3) => new()
    {
        Epochs = epochs, BatchSize = 4, LearningRate = 0.05, Device = "cpu", Threads = 1, Seed = seed,
        Augmentation = Augmentation.Shift,
    };

    public DlClassifier NewClassifier(DlClassifierParam? parameters = null) =>
        NetworkFactory.CreateClassifier(NetworkArchitecture.CompactCnn, DataSet.ClassNames, 16, 16, 1,
            parameters ?? QuickParameters());

    /// <summary>A classifier trained for three epochs with <see cref="QuickParameters"/>.</summary>
    public DlClassifier TrainedClassifier(TrainingOptions? options = null)
    {
        DlClassifier classifier = NewClassifier();
        Trainer.Train(classifier, DataSet, options, null, CancellationToken.None);
        return classifier;
    }

    public void Dispose() => folder.Dispose();
}
