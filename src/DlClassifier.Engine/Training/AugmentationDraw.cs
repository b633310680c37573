using System.Globalization;

namespace DlClassifier.Engine.Training;

/// <summary>
/// The random changes drawn for one training image in one epoch. The default value describes an image used as
/// it is.
/// </summary>
public readonly record struct AugmentationDraw
{
    /// <summary>False when the image was left out of augmentation by the augmentation percentage.</summary>
    public bool Augmented { get; init; }

    public bool FlipHorizontal { get; init; }

    public bool FlipVertical { get; init; }

    /// <summary>Columns the image moved to the right (negative: to the left).</summary>
    public int ShiftX { get; init; }

    /// <summary>Rows the image moved down (negative: up).</summary>
    public int ShiftY { get; init; }

    /// <summary>Clockwise quarter turns, 0 to 3.</summary>
    public int QuarterTurns { get; init; }

    /// <summary>The clockwise turn within the rotation range, in degrees.</summary>
    public double RotationDegrees { get; init; }

    /// <summary>The left column of the crop; only meaningful when <see cref="CropWidth"/> is above 0.</summary>
    public int CropX { get; init; }

    /// <summary>The top row of the crop.</summary>
    public int CropY { get; init; }

    /// <summary>The width of the crop in pixels; 0 when nothing was cropped.</summary>
    public int CropWidth { get; init; }

    /// <summary>The height of the crop in pixels.</summary>
    public int CropHeight { get; init; }

    /// <summary>The contrast factor minus 1: 0.1 stretches the spread around the mean by 10 %.</summary>
    public double ContrastChange { get; init; }

    /// <summary>The saturation factor minus 1.</summary>
    public double SaturationChange { get; init; }

    /// <summary>Grey values added to every pixel.</summary>
    public int BrightnessOffset { get; init; }

    /// <summary>Grey values added at the centre of the brightness spot; 0 when there is none.</summary>
    public int SpotOffset { get; init; }

    /// <summary>The spot's centre column, in pixels from the left edge.</summary>
    public double SpotX { get; init; }

    /// <summary>The spot's centre row, in pixels from the top edge.</summary>
    public double SpotY { get; init; }

    /// <summary>The spot's radius in pixels.</summary>
    public double SpotRadius { get; init; }

    /// <summary>True when a change moves pixels (a mirror, shift, turn, rotation or crop).</summary>
    public bool IsGeometric => FlipHorizontal || FlipVertical || ShiftX != 0 || ShiftY != 0 || QuarterTurns != 0
                               || RotationDegrees != 0 || CropWidth > 0;

    /// <summary>True when a change alters grey values (contrast, saturation, brightness or a spot).</summary>
    public bool IsPhotometric =>
        ContrastChange != 0 || SaturationChange != 0 || BrightnessOffset != 0 || SpotOffset != 0;

    /// <summary>
    /// The changes in short words, in the order they are applied to the image, such as "flip H",
    /// "turn 90°" or "bright +12"; empty for an image used as it is.
    /// </summary>
    public IReadOnlyList<string> Describe()
    {
        var parts = new List<string>();
        if (CropWidth > 0)
        {
            parts.Add(Text($"crop {CropWidth}×{CropHeight}@{CropX},{CropY}"));
        }
        if (RotationDegrees != 0)
        {
            parts.Add(Text($"rot {RotationDegrees:+0.0;-0.0}°"));
        }
        if (QuarterTurns != 0)
        {
            parts.Add(Text($"turn {QuarterTurns * 90}°"));
        }
        if (FlipHorizontal)
        {
            parts.Add("flip H");
        }
        if (FlipVertical)
        {
            parts.Add("flip V");
        }
        if (ShiftX != 0 || ShiftY != 0)
        {
            parts.Add(Text($"shift {ShiftX:+0;-0;0},{ShiftY:+0;-0;0}"));
        }
        if (ContrastChange != 0)
        {
            parts.Add(Text($"contrast ×{1 + ContrastChange:0.00}"));
        }
        if (SaturationChange != 0)
        {
            parts.Add(Text($"sat ×{1 + SaturationChange:0.00}"));
        }
        if (BrightnessOffset != 0)
        {
            parts.Add(Text($"bright {BrightnessOffset:+0;-0}"));
        }
        if (SpotOffset != 0)
        {
            parts.Add(Text($"spot {SpotOffset:+0;-0}"));
        }
        return parts;
    }

    public override string ToString()
    {
        IReadOnlyList<string> parts = Describe();
        return parts.Count == 0 ? "unchanged" : string.Join(", ", parts);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
