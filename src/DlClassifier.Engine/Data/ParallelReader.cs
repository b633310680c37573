using System.Runtime.ExceptionServices;

namespace DlClassifier.Engine.Data;

/// <summary>Runs image reads in parallel and rethrows the first failure as itself, not wrapped.</summary>
internal static class ParallelReader
{
    public static void For(int count, CancellationToken cancellation, Action<int> body)
    {
        var options = new ParallelOptions
        {
            CancellationToken = cancellation, MaxDegreeOfParallelism = Environment.ProcessorCount,
        };
        try
        {
            Parallel.For(0, count, options, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
