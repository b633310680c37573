using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using DlClassifier.Engine;
using DlClassifier.Engine.Data;

namespace DlClassifier.PowerShell.Infrastructure;

/// <summary>
/// The base of every cmdlet of the module: path resolution, error records, and running long engine work on
/// a worker thread while progress, verbose and warning messages are written from the pipeline thread.
/// </summary>
public abstract class DlCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource cancellation = new();

    /// <summary>Cancelled by Ctrl+C (StopProcessing); engine loops check it every batch.</summary>
    protected CancellationToken Cancellation => cancellation.Token;

    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>
    /// Runs engine work on a worker thread and relays what it reports until it ends. Exceptions come back
    /// unwrapped, with their stack. Progress records are always completed.
    /// </summary>
    protected T RunEngine<T>(string activity, Func<IEngineReporter, CancellationToken, T> work)
    {
        using var reporter = new QueuedReporter();
        Task<T> task = Task.Run(() =>
        {
            try
            {
                return work(reporter, cancellation.Token);
            }
            finally
            {
                reporter.Finish();
            }
        });
        var progress = new ProgressWriter(this, activity);
        try
        {
            foreach (Action<ProgressWriter> message in reporter.Messages())
            {
                // A stopping pipeline refuses output; messages are still taken so that the engine can end.
                if (!cancellation.IsCancellationRequested)
                {
                    message(progress);
                }
            }
        }
        catch (PipelineStoppedException)
        {
            // The stop came while a message was written. The engine is waited for all the same, so that when Stop
            // returns it has put the best weights back, finished its checkpoint and released its locks.
            cancellation.Cancel();
            foreach (Action<ProgressWriter> _ in reporter.Messages())
            {
            }
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            throw;
        }
        finally
        {
            // The worker stops at its next check of the token; waiting for it means the classifier is consistent
            // (best weights restored, checkpoint complete) once the cmdlet returns.
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            if (!cancellation.IsCancellationRequested)
            {
                progress.CompleteAll();
            }
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Resolves PowerShell paths of existing items to file-system paths, expanding wildcards.</summary>
    /// <returns>The resolved paths; paths that resolve to nothing are reported as non-terminating errors.</returns>
    protected List<string> ResolveExisting(IEnumerable<string> paths, bool literal)
    {
        var resolved = new List<string>();
        foreach (string path in paths)
        {
            try
            {
                if (literal)
                {
                    string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                    if (!File.Exists(full) && !Directory.Exists(full))
                    {
                        throw new ItemNotFoundException($"Cannot find path '{full}' because it does not exist.");
                    }
                    resolved.Add(full);
                }
                else
                {
                    Collection<string> matches =
                        SessionState.Path.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                    // A pattern that matches nothing resolves to an empty list rather than throwing; it is reported
                    // as a missing path all the same, as Get-Item does, so that a mistyped pattern is not silent.
                    if (matches.Count == 0)
                    {
                        throw new ItemNotFoundException($"Cannot find path '{path}' because it does not exist.");
                    }
                    resolved.AddRange(matches);
                }
            }
            catch (ItemNotFoundException e)
            {
                string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"Cannot find path '{full}' because it does not exist.", e),
                    ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, full));
            }
        }
        return resolved;
    }

    /// <summary>Stops the cmdlet when the file it is to write names a folder.</summary>
    /// <param name="what">What the file holds, for the message: "classifier file", "HTML file".</param>
    protected void RefuseFolderTarget(string target, string what)
    {
        if (Directory.Exists(target))
        {
            Terminate(new IOException($"'{target}' is a folder. Give the path of the {what} to write."),
                ErrorIds.WriteFailed, ErrorCategory.InvalidArgument, target);
        }
    }

    /// <summary>Stops the cmdlet when the file it is to write exists and -Force was not given.</summary>
    protected void RefuseExistingTarget(string target, bool force)
    {
        if (File.Exists(target) && !force)
        {
            Terminate(new IOException($"The file '{target}' already exists. Use -Force to replace it."),
                ErrorIds.FileExists, ErrorCategory.ResourceExists, target);
        }
    }

    /// <summary>
    /// Resolves image paths like <see cref="ResolveExisting"/>, and reports each folder among them as a
    /// non-terminating error, since the cmdlets that take images take files, not folders.
    /// </summary>
    protected List<string> ResolveImageFiles(IEnumerable<string> paths, bool literal)
    {
        var files = new List<string>();
        foreach (string path in ResolveExisting(paths, literal))
        {
            if (Directory.Exists(path))
            {
                WriteError(Error(new ArgumentException(
                        $"'{path}' is a folder. Give image files, for example: " +
                        $"Get-ChildItem '{path}' -File | {MyInvocation.MyCommand.Name}"),
                    ErrorIds.ImageUnreadable, ErrorCategory.InvalidArgument, path));
                continue;
            }
            files.Add(path);
        }
        return files;
    }

    /// <summary>The file-system path of an output the user names, relative to the current location.</summary>
    protected string ResolveOutputPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>
    /// An error record for an exception. The message of an <see cref="ArgumentException"/> that names its
    /// parameter ends in .NET's "(Parameter 'name')", and an out-of-range one adds "Actual value was ..."; the record
    /// shows users the sentence without them, while the exception keeps its full message.
    /// </summary>
    protected ErrorRecord Error(Exception exception, string id, ErrorCategory category, object? target)
    {
        var record = new ErrorRecord(exception, id, category, target);
        if (PlainArgumentMessage(exception) is { } plain)
        {
            record.ErrorDetails = new ErrorDetails(plain);
        }
        return record;
    }

    /// <summary>The error for an image whose header declares more pixels than -MaxPixels allows.</summary>
    protected static ErrorRecord TooLargeError(ImageTooLargeException exception) =>
        new(exception, ErrorIds.ImageTooLarge, ErrorCategory.LimitsExceeded, exception.Path)
        {
            ErrorDetails = new ErrorDetails($"{exception.Message} If the image is genuine, raise -MaxPixels."),
        };

    protected void Terminate(Exception exception, string id, ErrorCategory category, object? target) =>
        ThrowTerminatingError(Error(exception, id, category, target));

    /// <summary>The message of an argument exception without the parameter text .NET appends; null if none.</summary>
    private static string? PlainArgumentMessage(Exception exception)
    {
        if (exception is not ArgumentException argument || string.IsNullOrEmpty(argument.ParamName))
        {
            return null;
        }

        // The appended text is taken from an exception with an empty message, so that it matches in whatever
        // language the runtime writes it.
        string appended = argument is ArgumentOutOfRangeException outOfRange
            ? new ArgumentOutOfRangeException(argument.ParamName, outOfRange.ActualValue, string.Empty).Message
            : new ArgumentException(string.Empty, argument.ParamName).Message;
        string message = argument.Message;
        if (!message.EndsWith(appended, StringComparison.Ordinal) || message.Length == appended.Length)
        {
            return null;
        }
        return message[..^appended.Length];
    }

    /// <summary>Collects engine messages from any thread for the pipeline thread to write.</summary>
    private sealed class QueuedReporter : IEngineReporter, IDisposable
    {
        private readonly BlockingCollection<Action<ProgressWriter>> queue = new();

        public IEnumerable<Action<ProgressWriter>> Messages() => queue.GetConsumingEnumerable();

        public void Finish() => queue.CompleteAdding();

        public void Progress(ProgressUpdate update) => Add(writer => writer.Write(update));

        public void Completed(int level) => Add(writer => writer.Complete(level));

        public void Verbose(string message) => Add(writer => writer.Cmdlet.WriteVerbose(message));

        public void Warning(string message) => Add(writer => writer.Cmdlet.WriteWarning(message));

        public void Dispose() => queue.Dispose();

        private void Add(Action<ProgressWriter> message)
        {
            if (!queue.IsAddingCompleted)
            {
                queue.Add(message);
            }
        }
    }
}
