namespace DlClassifier.Engine.Training;

/// <summary>
/// libtorch's random generator and thread count belong to the process, so trainings (and the seeded
/// creation of weights) run one at a time, even when started from separate runspaces.
/// </summary>
internal static class TrainingLock
{
    public static readonly object Gate = new();
}
