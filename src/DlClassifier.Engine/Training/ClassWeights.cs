namespace DlClassifier.Engine.Training;

/// <summary>How the classes are weighted in the training loss.</summary>
public enum ClassWeighting
{
    /// <summary>Every image counts the same; a rare class counts as little as it is frequent.</summary>
    None,

    /// <summary>
    /// Each class is weighted by n/(k·n_c) for n training images in k classes, n_c of them in the class, so every
    /// class weighs the same in total.
    /// </summary>
    InverseFrequency,
}

/// <summary>The per-class weights of the cross-entropy, from the weighting mode and per-class factors.</summary>
public static class ClassWeights
{
    /// <summary>
    /// The weight of each class in the classifier's order, or null when every weight is 1. A class without
    /// training images gets the weight 1 under inverse frequency: it never occurs in the loss.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A per-class factor names a class the classifier lacks.</exception>
    public static float[]? For(DlClassifierParam parameters, IReadOnlyList<string> classNames,
        IReadOnlyList<int> labels)
    {
        int[] indexOfFactor = IndexFactors(parameters, classNames);
        if (parameters.ClassWeighting == ClassWeighting.None && indexOfFactor.Length == 0)
        {
            return null;
        }
        var weights = new float[classNames.Count];
        var counts = new int[classNames.Count];
        foreach (int label in labels)
        {
            counts[label]++;
        }
        for (int c = 0; c < weights.Length; c++)
        {
            weights[c] = parameters.ClassWeighting == ClassWeighting.InverseFrequency && counts[c] > 0
                ? (float)((double)labels.Count / (classNames.Count * counts[c]))
                : 1f;
        }
        foreach ((string name, double factor) in parameters.ClassWeight)
        {
            weights[ClassIndex(name, classNames)] *= (float)factor;
        }
        return weights;
    }

    /// <summary>Checks that every per-class factor names one of the classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A factor names an unknown class; the message names it.</exception>
    public static void Check(DlClassifierParam parameters, IReadOnlyList<string> classNames) =>
        IndexFactors(parameters, classNames);

    private static int[] IndexFactors(DlClassifierParam parameters, IReadOnlyList<string> classNames) =>
        parameters.ClassWeight.Keys.Select(name => ClassIndex(name, classNames)).ToArray();

    private static int ClassIndex(string name, IReadOnlyList<string> classNames)
    {
        int exact = classNames.ToList().IndexOf(name);
        if (exact >= 0)
        {
            return exact;
        }
        int[] matches = Enumerable.Range(0, classNames.Count)
            .Where(i => string.Equals(classNames[i], name, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (matches.Length == 1)
        {
            return matches[0];
        }
        throw new ArgumentOutOfRangeException(nameof(DlClassifierParam.ClassWeight), name,
            $"ClassWeight names the class '{name}', which the classifier does not have (classes: " +
            $"{string.Join(", ", classNames)}).");
    }
}
