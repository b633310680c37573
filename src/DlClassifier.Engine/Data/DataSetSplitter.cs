namespace DlClassifier.Engine.Data;

/// <summary>
/// Splits a data set into training, validation and test subsets, stratified by class and reproducible
/// from a seed.
/// </summary>
/// <remarks>
/// Rounding rule, per class with n samples: training = round(n·t/100), validation = round(n·v/100),
/// test = the rest, where round takes halves away from zero. When the two rounded shares add up to more
/// than n, validation gives way first. Images that share a <see cref="DlSample.Group"/> (one physical
/// object) are moved as one unit into the subset of the class in which the group first appears, so a
/// group never straddles two subsets; the per-class counts then hold to within the size of a group.
/// </remarks>
public static class DataSetSplitter
{
    public static DlDataSet Split(DlDataSet dataSet, double trainingPercent, double validationPercent, int seed)
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

        var random = new Random(seed);
        var assigned = new Dictionary<DlSample, SampleSplit>(ReferenceEqualityComparer.Instance);
        var groupSplit = new Dictionary<string, SampleSplit>(StringComparer.Ordinal);

        for (int classIndex = 0; classIndex < dataSet.ClassCount; classIndex++)
        {
            // Sort before shuffling so the split depends on the seed alone, not on the order files were found in.
            List<List<DlSample>> units = UnitsOfClass(dataSet, classIndex);
            Shuffle(units, random);

            int total = units.Sum(u => u.Count);
            int trainingTarget = (int)Math.Round(total * trainingPercent / 100, MidpointRounding.AwayFromZero);
            int validationTarget = (int)Math.Round(total * validationPercent / 100, MidpointRounding.AwayFromZero);
            validationTarget = Math.Min(validationTarget, total - trainingTarget);

            int trainingCount = 0, validationCount = 0;
            foreach (List<DlSample> unit in units)
            {
                string? group = unit[0].Group;
                SampleSplit split;
                if (group is not null && groupSplit.TryGetValue(group, out SampleSplit earlier))
                {
                    split = earlier;
                }
                else if (trainingCount < trainingTarget)
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
                if (group is not null)
                {
                    groupSplit[group] = split;
                }
                foreach (DlSample sample in unit)
                {
                    assigned[sample] = split;
                }
            }
        }

        DlSample[] samples = dataSet.Samples.Select(s => s.WithSplit(assigned[s])).ToArray();
        return new DlDataSet(dataSet.ClassNames, samples, dataSet.Roots);
    }

    private static List<List<DlSample>> UnitsOfClass(DlDataSet dataSet, int classIndex)
    {
        var units = new List<List<DlSample>>();
        var byGroup = new Dictionary<string, List<DlSample>>(StringComparer.Ordinal);
        IEnumerable<DlSample> ofClass = dataSet.Samples
            .Where(s => s.ClassIndex == classIndex)
            .OrderBy(s => s.Path, StringComparer.Ordinal);
        foreach (DlSample sample in ofClass)
        {
            if (sample.Group is null)
            {
                units.Add(new List<DlSample> { sample });
            }
            else if (byGroup.TryGetValue(sample.Group, out List<DlSample>? unit))
            {
                unit.Add(sample);
            }
            else
            {
                unit = new List<DlSample> { sample };
                byGroup.Add(sample.Group, unit);
                units.Add(unit);
            }
        }
        return units;
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
