namespace DlClassifier.Engine.Tests.Support;

/// <summary>The synthetic image set with a classifier trained on it once for a whole test class.</summary>
public sealed class TrainedClassifierFixture : IDisposable
{
    public TrainedClassifierFixture()
    {
        Images = new SyntheticImageSet();
        Classifier = Images.TrainedClassifier();
    }

    public SyntheticImageSet Images { get; }

    /// <summary>Trained for three epochs; tests read it and must not train or dispose it.</summary>
    public DlClassifier Classifier { get; }

    public void Dispose()
    {
        Classifier.Dispose();
        Images.Dispose();
    }
}
