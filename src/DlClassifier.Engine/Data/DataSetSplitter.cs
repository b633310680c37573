namespace DlClassifier.Engine.Data;

/// <summary>
/// Splits a data set into training, validation and test subsets, stratified by class and reproducible
/// from a seed.
/// </summary>
/// <remarks>
/// <para>Rounding rule, per class with n samples: training = round(n·t/100), validation = round(n·v/100),
/// test = the rest, where round takes halves away from zero. When the two rounded shares add up to more
/// than n, validation gives way first.</para>
/// <para>Units: images are moved in units that never straddle two subsets. The images of one group (one
/// physical object, as found by a <see cref="SampleGrouping"/>; by default <see cref="DlSample.Group"/>) form a
/// unit, and so do byte-identical files (equal <see cref="DlSample.ContentHash"/>), so that no test image has a
/// copy in training. Both joins are transitive and cross classes: a unit that holds images of several classes
/// goes to the subset chosen for it in the first class, in class order, that has one of its images. The
/// per-class counts then hold to within the size of a unit.</para>
/// <para>Small classes: a class with fewer units than the subsets asked for (training, validation when its
/// share is above 0, test when training and validation leave a share) cannot have one in each; all of it goes
/// to training, and a warning names it. With the default 70/15/15 split, that is a class of fewer than three
/// units.</para>
/// </remarks>
public static class DataSetSplitter
{
    /// <summary>Splits <paramref name="dataSet"/> anew; the samples keep their paths, sizes and hashes.</summary>
    /// <param name="dataSet">The data set; it is not changed, and its image files are not read.</param>
    /// <param name="trainingPercent">The share of each class used for training, above 0 and at most 100.</param>
    /// <param name="validationPercent">The share used for validation; the rest is the test set.</param>
    /// <param name="seed">The same seed gives the same split.</param>
    /// <param name="grouping">How images are grouped by object; by default, by <see cref="DlSample.Group"/>.
    /// The split samples carry the group they were split by in <see cref="DlSample.Group"/>.</param>
    /// <param name="reporter">Receives the counts per class and warnings about small classes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A share is out of range, or they add up to over 100.</exception>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">A file-name pattern took too
    /// long.</exception>
    public static DlDataSet Split(DlDataSet dataSet, double trainingPercent, double validationPercent, int seed,
        SampleGrouping? grouping = null, IEngineReporter? reporter = null)
    {
        // Written as "not within" so that NaN, which fails every comparison, is refused as well.
        if (!(trainingPercent > 0 && trainingPercent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(trainingPercent), trainingPercent,
                "The training share must be above 0 and at most 100 percent.");
        }
        if (!(validationPercent >= 0 && trainingPercent + validationPercent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(validationPercent), validationPercent,
                "The validation share must be at least 0, and training plus validation at most 100 percent.");
        }
        grouping ??= SampleGrouping.ByGroupProperty;
        reporter ??= NullReporter.Instance;

        DlSample[] samples = dataSet.Samples;
        string?[] groups = FindGroups(samples, grouping, reporter);
        int[] unitOf = JoinUnits(samples, groups, reporter);
        bool hasTest = 100 - trainingPercent - validationPercent > 1e-9;
        int subsets = 1 + (validationPercent > 0 ? 1 : 0) + (hasTest ? 1 : 0);

        var random = new Random(seed);
        var splitOf = new SampleSplit[samples.Length];
        var unitSplit = new Dictionary<int, SampleSplit>();
        var tooSmall = new bool[dataSet.ClassCount];
        for (int classIndex = 0; classIndex < dataSet.ClassCount; classIndex++)
        {
            // Sort before shuffling so the split depends on the seed alone, not on the order files were found in.
            List<List<int>> units = UnitsOfClass(samples, unitOf, classIndex);
            Shuffle(units, random);
            tooSmall[classIndex] = units.Count > 0 && units.Count < subsets;

            int total = units.Sum(u => u.Count);
            int trainingTarget = (int)Math.Round(total * trainingPercent / 100, MidpointRounding.AwayFromZero);
            int validationTarget = (int)Math.Round(total * validationPercent / 100, MidpointRounding.AwayFromZero);
            validationTarget = Math.Min(validationTarget, total - trainingTarget);

            int trainingCount = 0, validationCount = 0;
            foreach (List<int> unit in units)
            {
                int key = unitOf[unit[0]];
                SampleSplit split;
                if (unitSplit.TryGetValue(key, out SampleSplit earlier))
                {
                    split = earlier;
                }
                else if (tooSmall[classIndex] || trainingCount < trainingTarget)
                {
                    split = SampleSplit.Training;
                }
                else if (validationCount < validationTarget)
                {
                    split = SampleSplit.Validation;
                }
                else
                {
                    split = SampleSplit.Test;
                }

                if (split == SampleSplit.Training)
                {
                    trainingCount += unit.Count;
                }
                else if (split == SampleSplit.Validation)
                {
                    validationCount += unit.Count;
                }
                unitSplit[key] = split;
                foreach (int index in unit)
                {
                    splitOf[index] = split;
                }
            }
        }

        DlSample[] result = samples.Select((s, i) => s.WithSplit(splitOf[i], groups[i])).ToArray();
        // The split changes no sample's file or class, so what the import found still describes the data set.
        DlDataSet splitSet = dataSet.WithSamples(result);
        ReportClasses(splitSet, tooSmall, subsets, validationPercent > 0, hasTest, reporter);
        return splitSet;
    }

    private static string?[] FindGroups(DlSample[] samples, SampleGrouping grouping, IEngineReporter reporter)
    {
        var groups = new string?[samples.Length];
        int ungrouped = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            groups[i] = grouping.GroupOf(samples[i]);
            ungrouped += groups[i] is null ? 1 : 0;
        }
        int distinct = groups.OfType<string>().Distinct(StringComparer.Ordinal).Count();
        if (distinct > 0 || grouping.IsPattern)
        {
            reporter.Verbose($"Grouped {samples.Length - ungrouped} images into {distinct} groups by " +
                             $"{grouping.Description}.");
        }
        if (grouping.IsPattern && ungrouped > 0)
        {
            reporter.Warning($"{ungrouped} of {samples.Length} file names do not match {grouping.Description}; " +
                             "each of those images is split as an object of its own.");
        }
        return groups;
    }

    /// <summary>
    /// Joins samples that share a group or a content hash, transitively. Returns, for each sample, the index
    /// of one sample of its unit that stands for the whole unit.
    /// </summary>
    private static int[] JoinUnits(DlSample[] samples, string?[] groups, IEngineReporter reporter)
    {
        int[] parent = Enumerable.Range(0, samples.Length).ToArray();
        var firstOfGroup = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstOfContent = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int copies = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            if (groups[i] is { } group && !firstOfGroup.TryAdd(group, i))
            {
                Join(parent, firstOfGroup[group], i);
            }
            if (samples[i].ContentHash is { } hash && !firstOfContent.TryAdd(hash, i))
            {
                Join(parent, firstOfContent[hash], i);
                copies++;
            }
        }
        if (copies > 0)
        {
            reporter.Verbose($"{copies} images are byte-identical copies of others; each copy is kept in the " +
                             "subset of its original.");
        }
        return Enumerable.Range(0, samples.Length).Select(i => Root(parent, i)).ToArray();
    }

    private static int Root(int[] parent, int index)
    {
        while (parent[index] != index)
        {
            // Halve the path on the way up so that long chains of joins stay cheap.
            parent[index] = parent[parent[index]];
            index = parent[index];
        }
        return index;
    }

    private static void Join(int[] parent, int first, int second)
    {
        int a = Root(parent, first), b = Root(parent, second);
        if (a != b)
        {
            parent[Math.Max(a, b)] = Math.Min(a, b);
        }
    }

    /// <summary>The units of one class, each the class's own samples of a unit, in order of their first path.</summary>
    private static List<List<int>> UnitsOfClass(DlSample[] samples, int[] unitOf, int classIndex)
    {
        var units = new List<List<int>>();
        var byUnit = new Dictionary<int, List<int>>();
        IEnumerable<int> ofClass = Enumerable.Range(0, samples.Length)
            .Where(i => samples[i].ClassIndex == classIndex)
            .OrderBy(i => samples[i].Path, StringComparer.Ordinal);
        foreach (int index in ofClass)
        {
            if (byUnit.TryGetValue(unitOf[index], out List<int>? unit))
            {
                unit.Add(index);
            }
            else
            {
                unit = new List<int> { index };
                byUnit.Add(unitOf[index], unit);
                units.Add(unit);
            }
        }
        return units;
    }

    private static void ReportClasses(DlDataSet split, bool[] tooSmall, int subsets, bool hasValidation,
        bool hasTest, IEngineReporter reporter)
    {
        int[] training = split.CountPerClass(SampleSplit.Training);
        int[] validation = split.CountPerClass(SampleSplit.Validation);
        int[] test = split.CountPerClass(SampleSplit.Test);
        for (int c = 0; c < split.ClassCount; c++)
        {
            string name = split.ClassNames[c];
            reporter.Verbose($"Class '{name}': {training[c]} training, {validation[c]} validation, {test[c]} test.");
            if (tooSmall[c])
            {
                reporter.Warning($"The class '{name}' has too few images (or groups of images) for {subsets} " +
                                 "subsets; all of them are used for training, so it is neither validated nor " +
                                 "tested. Add images of it for a fair measurement.");
            }
            else if (hasValidation && validation[c] == 0)
            {
                reporter.Warning($"The class '{name}' has no validation image; it has too few images for this split.");
            }
            else if (hasTest && test[c] == 0)
            {
                reporter.Warning($"The class '{name}' has no test image; it has too few images for this split.");
            }
        }
    }

    private static void Shuffle<T>(IList<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
