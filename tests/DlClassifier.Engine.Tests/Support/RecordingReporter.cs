using System.Collections.Concurrent;

namespace DlClassifier.Engine.Tests.Support;

/// <summary>Keeps what the engine reports and lets a test act on each progress update.</summary>
public sealed class RecordingReporter : IEngineReporter
{
    private readonly Action<ProgressUpdate>? onProgress;
    private readonly Action<string>? onVerbose;

    public RecordingReporter(Action<ProgressUpdate>? onProgress = null, Action<string>? onVerbose = null)
    {
        this.onProgress = onProgress;
        this.onVerbose = onVerbose;
    }

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<string> Messages { get; } = new();

    public void Progress(ProgressUpdate update) => onProgress?.Invoke(update);

    public void Completed(int level)
    {
    }

    public void Verbose(string message)
    {
        Messages.Enqueue(message);
        onVerbose?.Invoke(message);
    }

    public void Warning(string message) => Warnings.Enqueue(message);
}
