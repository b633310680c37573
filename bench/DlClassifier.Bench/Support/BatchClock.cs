using System.Diagnostics;
using DlClassifier.Engine;

namespace DlClassifier.Bench;

/// <summary>
/// A reporter that notes when each training batch finished, so a benchmark can time the training passes alone
/// (evaluation excluded) from the second batch to the last of every epoch.
/// </summary>
internal sealed class BatchClock : IEngineReporter
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Dictionary<string, List<double>> batchTimes = new(StringComparer.Ordinal);

    /// <summary>Seconds at which each batch of each epoch finished, by epoch activity name ("Epoch 2").</summary>
    public IReadOnlyDictionary<string, List<double>> BatchTimes => batchTimes;

    public bool Echo { get; init; }

    public void Progress(ProgressUpdate update)
    {
        if (update.Level == 1 && update.Activity.StartsWith("Epoch ", StringComparison.Ordinal))
        {
            if (!batchTimes.TryGetValue(update.Activity, out List<double>? times))
            {
                batchTimes[update.Activity] = times = new List<double>();
            }
            times.Add(clock.Elapsed.TotalSeconds);
        }
    }

    public void Completed(int level)
    {
    }

    public void Verbose(string message)
    {
        if (Echo)
        {
            Console.WriteLine("  " + message);
        }
    }

    public void Warning(string message) => Console.WriteLine("  warning: " + message);
}
