namespace DlClassifier.Engine;

/// <summary>One step of long work: what is being done, how far it is, and how long it should still take.</summary>
/// <param name="Level">0 for the outer activity (an epoch), 1 for the inner one (a batch).</param>
public sealed record ProgressUpdate(int Level, string Activity, string Status, double Fraction, TimeSpan? Remaining);

/// <summary>
/// How the engine tells its caller what it is doing. The engine may call it from any thread; the
/// caller decides where and when the messages are shown.
/// </summary>
public interface IEngineReporter
{
    void Progress(ProgressUpdate update);

    /// <summary>Marks an activity level as finished so that its progress display can close.</summary>
    void Completed(int level);

    /// <summary>A step a user cares about.</summary>
    void Verbose(string message);

    /// <summary>Something legal but suspicious, or a choice the engine made in the user's place.</summary>
    void Warning(string message);
}

/// <summary>A reporter that drops everything.</summary>
public sealed class NullReporter : IEngineReporter
{
    public static readonly NullReporter Instance = new();

    public void Progress(ProgressUpdate update)
    {
    }

    public void Completed(int level)
    {
    }

    public void Verbose(string message)
    {
    }

    public void Warning(string message)
    {
    }
}
