namespace DlClassifier.Engine.Evaluation;

/// <summary>Metrics computed from a confusion matrix (rows = true class, columns = predicted class).</summary>
/// <remarks>
/// Precision_k = C[k,k] / Σ_i C[i,k]; recall_k = C[k,k] / Σ_j C[k,j]; F_k = 2·P·R / (P + R). A ratio with a
/// zero denominator is undefined (null) and left out of the macro averages rather than counted as 0. The
/// one exception is the F-score of a class that has images but is never predicted: its recall is 0, so its
/// F-score is 0 (the limit of 2·P·R / (P + R) as R goes to 0), as scikit-learn also reports it.
/// </remarks>
public static class ClassificationMetrics
{
    public static DlClassMetrics[] PerClass(IReadOnlyList<string> classNames, long[][] counts)
    {
        int k = classNames.Count;
        var metrics = new DlClassMetrics[k];
        for (int c = 0; c < k; c++)
        {
            long truePositives = counts[c][c];
            long actual = counts[c].Sum();
            long predicted = 0;
            for (int r = 0; r < k; r++)
            {
                predicted += counts[r][c];
            }
            double? precision = predicted == 0 ? null : (double)truePositives / predicted;
            double? recall = actual == 0 ? null : (double)truePositives / actual;
            // A class with images that is never predicted has recall 0, and F tends to 0 as recall does, whatever
            // the undefined precision: counting it as 0 keeps the worst class in the macro F-score.
            double? fScore = recall is null ? null
                : precision is null || precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            metrics[c] = new DlClassMetrics
            {
                ClassName = classNames[c], Precision = precision, Recall = recall, FScore = fScore, Support = actual,
            };
        }
        return metrics;
    }

    /// <summary>The mean of the defined values, or null when none is defined.</summary>
    public static double? MacroAverage(IEnumerable<double?> values)
    {
        double[] defined = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        return defined.Length == 0 ? null : defined.Average();
    }

    /// <summary>
    /// The mean of the defined values, each weighted by the support of its class, or null when no class with
    /// images has a defined value.
    /// </summary>
    /// <remarks>
    /// Σ_k n_k·m_k / Σ_k n_k over the classes k whose metric m_k is defined, n_k being the class's image count.
    /// A class without images weighs nothing; weighted recall over fully defined classes equals accuracy.
    /// </remarks>
    public static double? WeightedAverage(IReadOnlyList<DlClassMetrics> classes, Func<DlClassMetrics, double?> metric)
    {
        double weighted = 0;
        long support = 0;
        foreach (DlClassMetrics metrics in classes)
        {
            if (metric(metrics) is { } value && metrics.Support > 0)
            {
                weighted += value * metrics.Support;
                support += metrics.Support;
            }
        }
        return support == 0 ? null : weighted / support;
    }

    /// <summary>
    /// The fraction of images whose true class is not among the <paramref name="k"/> most probable classes.
    /// </summary>
    /// <remarks>
    /// The rank of the true class counts the classes more probable than it, and those equally probable that
    /// come first in class order, so that ties are broken as <see cref="Evaluator.ArgMax"/> breaks them and
    /// the top-1 error equals <see cref="TopOneError"/>.
    /// </remarks>
    public static double TopKError(int[] labels, float[][] probabilities, int k)
    {
        if (labels.Length == 0)
        {
            return 0;
        }
        int missed = labels.Where((label, i) => RankOf(probabilities[i], label) >= k).Count();
        return (double)missed / labels.Length;
    }

    /// <summary>0 for the most probable class, 1 for the next, and so on; ties go to the lower index.</summary>
    public static int RankOf(float[] probabilities, int index)
    {
        float own = probabilities[index];
        int rank = 0;
        for (int c = 0; c < probabilities.Length; c++)
        {
            if (probabilities[c] > own || (probabilities[c] == own && c < index))
            {
                rank++;
            }
        }
        return rank;
    }

    /// <summary>The fraction of the matrix off its diagonal.</summary>
    public static double TopOneError(long[][] counts)
    {
        long total = counts.Sum(row => row.Sum());
        long correct = Enumerable.Range(0, counts.Length).Sum(i => counts[i][i]);
        return total == 0 ? 0 : (double)(total - correct) / total;
    }
}
