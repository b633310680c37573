using System.Diagnostics;
using System.Management.Automation;
using DlClassifier.Engine;

namespace DlClassifier.PowerShell.Infrastructure;

/// <summary>
/// Writes engine progress as PowerShell progress records: level 0 as the parent, level 1 as its child.
/// Updates are throttled to one per 200 ms per level, so a fast loop does not slow the console down, and
/// every record that was shown is completed.
/// </summary>
internal sealed class ProgressWriter
{
    private const int BaseActivityId = 0x1D1C;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly string fallbackActivity;
    private readonly Stopwatch[] lastWritten = { new(), new() };
    private readonly string?[] shownActivity = new string?[2];

    public ProgressWriter(Cmdlet cmdlet, string fallbackActivity)
    {
        Cmdlet = cmdlet;
        this.fallbackActivity = fallbackActivity;
    }

    public Cmdlet Cmdlet { get; }

    public void Write(ProgressUpdate update)
    {
        int level = Math.Clamp(update.Level, 0, 1);
        bool finished = update.Fraction >= 1;
        if (lastWritten[level].IsRunning && lastWritten[level].Elapsed < Interval && !finished)
        {
            return;
        }
        string activity = string.IsNullOrEmpty(update.Activity) ? fallbackActivity : update.Activity;
        var record = new ProgressRecord(BaseActivityId + level, activity, update.Status)
        {
            PercentComplete = (int)Math.Clamp(update.Fraction * 100, 0, 100),
            SecondsRemaining = update.Remaining is { } remaining ? (int)remaining.TotalSeconds : -1,
        };
        if (level == 1)
        {
            record.ParentActivityId = BaseActivityId;
        }
        Cmdlet.WriteProgress(record);
        shownActivity[level] = activity;
        lastWritten[level].Restart();
    }

    public void Complete(int level)
    {
        level = Math.Clamp(level, 0, 1);
        string? activity = shownActivity[level];
        if (activity is null)
        {
            return;
        }
        var record = new ProgressRecord(BaseActivityId + level, activity, "Done")
        {
            RecordType = ProgressRecordType.Completed,
        };
        if (level == 1)
        {
            record.ParentActivityId = BaseActivityId;
        }
        Cmdlet.WriteProgress(record);
        shownActivity[level] = null;
        lastWritten[level].Reset();
    }

    public void CompleteAll()
    {
        Complete(1);
        Complete(0);
    }
}
