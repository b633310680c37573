using DlClassifier.Engine.Training;
using Xunit;

namespace DlClassifier.Engine.Tests.Training;

public sealed class BatchAugmenterTests
{
    // A 4 × 3 single-channel image, value = 10·row + column.
    private static readonly byte[] Image =
    {
        0, 1, 2, 3,
        10, 11, 12, 13,
        20, 21, 22, 23,
    };

    [Fact]
    public void Write_NoAugmentation_CopiesIntoItsSlotExactly()
    {
        var augmenter = Augmenter(1, 3, 4, Augmentation.None, 0.25);
        float[] buffer = Enumerable.Repeat(-1f, 3 * 12).ToArray();

        augmenter.Write(Image, buffer, slot: 1, new ScriptedRandom());

        Assert.Equal(Enumerable.Repeat(-1f, 12), buffer[..12]);
        Assert.Equal(Unit(Image), buffer[12..24]);
        Assert.Equal(Enumerable.Repeat(-1f, 12), buffer[24..]);
    }

    [Fact]
    public void Write_FlipHorizontalDrawn_MirrorsEachRow()
    {
        var augmenter = Augmenter(1, 3, 4, Augmentation.FlipHorizontal);
        var buffer = new float[12];

        AugmentationDraw draw = augmenter.Write(Image, buffer, 0, new ScriptedRandom(1));

        Assert.Equal(Unit(3, 2, 1, 0, 13, 12, 11, 10, 23, 22, 21, 20), buffer);
        Assert.Equal(new[] { "flip H" }, draw.Describe());
    }

    [Fact]
    public void Write_FlipHorizontalNotDrawn_CopiesUnchanged()
    {
        var augmenter = Augmenter(1, 3, 4, Augmentation.FlipHorizontal);
        var buffer = new float[12];

        AugmentationDraw draw = augmenter.Write(Image, buffer, 0, new ScriptedRandom(0));

        Assert.Equal(Unit(Image), buffer);
        Assert.True(draw.Augmented);
        Assert.Empty(draw.Describe());
    }

    [Fact]
    public void Write_FlipVerticalDrawn_ReversesTheRows()
    {
        var augmenter = Augmenter(1, 3, 4, Augmentation.FlipVertical);
        var buffer = new float[12];

        augmenter.Write(Image, buffer, 0, new ScriptedRandom(1));

        Assert.Equal(Unit(20, 21, 22, 23, 10, 11, 12, 13, 0, 1, 2, 3), buffer);
    }

    [Fact]
    public void Write_BothFlipsDrawn_TurnsTheImageHalfRound()
    {
        var augmenter = Augmenter(1, 3, 4, Augmentation.FlipHorizontal | Augmentation.FlipVertical);
        var buffer = new float[12];

        augmenter.Write(Image, buffer, 0, new ScriptedRandom(1, 1));

        Assert.Equal(Unit(Image.Reverse().ToArray()), buffer);
    }

    [Fact]
    public void Write_ShiftRightAndDown_RepeatsTheLeftAndTopEdge()
    {
        // Shift fraction 0.5 allows ±2 columns and ±2 rows (round(4·0.5), round(3·0.5) with halves to even → 2).
        var augmenter = Augmenter(1, 3, 4, Augmentation.Shift, 0.5);
        var buffer = new float[12];

        AugmentationDraw draw = augmenter.Write(Image, buffer, 0, new ScriptedRandom(1, 1));

        Assert.Equal(Unit(0, 0, 1, 2, 0, 0, 1, 2, 10, 10, 11, 12), buffer);
        Assert.Equal(new[] { "shift +1,+1" }, draw.Describe());
    }

    [Fact]
    public void Write_ShiftLeftByTwo_RepeatsTheRightEdge()
    {
        var augmenter = Augmenter(1, 3, 4, Augmentation.Shift, 0.5);
        var buffer = new float[12];

        augmenter.Write(Image, buffer, 0, new ScriptedRandom(-2, 0));

        Assert.Equal(Unit(2, 3, 3, 3, 12, 13, 13, 13, 22, 23, 23, 23), buffer);
    }

    [Fact]
    public void Write_ShiftDrawsWithinFraction_AsksForSymmetricRange()
    {
        var augmenter = Augmenter(1, 3, 4, Augmentation.Shift, 0.5);
        var random = new ScriptedRandom(0, 0);

        augmenter.Write(Image, new float[12], 0, random);

        Assert.Equal(new[] { (-2, 3), (-2, 3) }, random.Ranges);
    }

    [Fact]
    public void Write_ThreeChannelsFlipped_MirrorsEveryPlaneInPlace()
    {
        // Two pixels wide, one high: planes R = (1, 2), G = (3, 4), B = (5, 6).
        var augmenter = Augmenter(3, 1, 2, Augmentation.FlipHorizontal);
        var buffer = new float[6];

        augmenter.Write(new byte[] { 1, 2, 3, 4, 5, 6 }, buffer, 0, new ScriptedRandom(1));

        Assert.Equal(Unit(2, 1, 4, 3, 6, 5), buffer);
    }

    internal static BatchAugmenter Augmenter(int channels, int height, int width, Augmentation kinds,
        double shiftFraction = 0) =>
        Augmenter(channels, height, width, new DlClassifierParam
        {
            Augmentation = kinds, ShiftFraction = shiftFraction, AugmentationPercentage = 100,
        });

    /// <summary>An augmenter of the given parameters; every image is augmented unless they say otherwise.</summary>
    internal static BatchAugmenter Augmenter(int channels, int height, int width, DlClassifierParam parameters) =>
        new(channels, height, width, parameters);

    /// <summary>The floats the augmenter writes for bytes left unchanged: k / 255, as the image reader gives.</summary>
    internal static float[] Unit(params byte[] values) => values.Select(v => v / 255f).ToArray();
}

/// <summary>
/// A generator that returns given values in turn and records the ranges it was asked for: whole values answer
/// <see cref="Random.Next(int, int)"/>, values from 0 to below 1 answer <see cref="Random.NextDouble"/>.
/// </summary>
internal sealed class ScriptedRandom : Random
{
    private readonly Queue<double> values;

    public ScriptedRandom(params double[] values)
    {
        this.values = new Queue<double>(values);
    }

    public List<(int Min, int Max)> Ranges { get; } = new();

    public override int Next(int maxValue) => Next(0, maxValue);

    public override int Next(int minValue, int maxValue)
    {
        Ranges.Add((minValue, maxValue));
        double value = values.Dequeue();
        Assert.Equal(Math.Floor(value), value);
        Assert.InRange(value, minValue, maxValue - 1);
        return (int)value;
    }

    public override double NextDouble()
    {
        double value = values.Dequeue();
        Assert.InRange(value, 0, 0.999999);
        return value;
    }

    /// <summary>True when every scripted value was used.</summary>
    public bool IsSpent => values.Count == 0;
}
