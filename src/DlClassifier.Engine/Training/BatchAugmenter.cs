namespace DlClassifier.Engine.Training;

/// <summary>
/// Packs training images into a batch buffer, applying the random augmentation on the way. It draws from
/// the generator it is given, never from libtorch's or a shared one, so the same seed gives the same batches.
/// </summary>
/// <remarks>
/// <para>Geometric changes are composed into one affine map from each output pixel back to the source, so a
/// pixel is sampled once whatever is combined: forward, the image is cropped and stretched back, turned within
/// the rotation range, turned by quarter turns, mirrored and shifted. Samples falling outside repeat the edge.
/// When the map lands on whole pixels (mirrors, shifts, quarter turns of a square image) pixels are copied
/// exactly; otherwise they are interpolated bilinearly.</para>
/// <para>Grey-value changes follow in the 0 to 255 scale: contrast around each channel's mean, saturation around
/// each pixel's grey value (ITU-R BT.601 weights), brightness, then the brightness spot; the result is clipped to
/// 0 to 255 and divided by 255. A pixel left unchanged thus gets exactly the value k / 255 that
/// <see cref="Data.ImageReader"/> gives an 8-bit pixel k.</para>
/// <para>Draws are made in a fixed order, and only for the changes that are on, so switching one change on
/// does not alter the draws of the changes before it: percentage, horizontal and vertical mirror, shift, quarter
/// turns, rotation, crop, contrast, saturation, brightness, spot.</para>
/// </remarks>
internal sealed class BatchAugmenter
{
    private readonly int channels;
    private readonly int height;
    private readonly int width;
    private readonly DlClassifierParam parameters;
    private readonly int maxShiftX;
    private readonly int maxShiftY;

    public BatchAugmenter(int channels, int height, int width, DlClassifierParam parameters)
    {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.parameters = parameters.Clone();
        maxShiftX = (int)Math.Round(width * parameters.ShiftFraction);
        maxShiftY = (int)Math.Round(height * parameters.ShiftFraction);
    }

    public int ImageSize => channels * height * width;

    /// <summary>Draws the changes for one image without applying them.</summary>
    public AugmentationDraw Draw(Random random)
    {
        DlClassifierParam p = parameters;
        bool augmented = p.AugmentationPercentage switch
        {
            <= 0 => false,
            >= 100 => true,
            _ => random.Next(100) < p.AugmentationPercentage,
        };
        if (!augmented)
        {
            return default;
        }

        Augmentation kinds = p.Augmentation;
        bool flipX = (kinds & Augmentation.FlipHorizontal) != 0 && random.Next(2) == 1;
        bool flipY = (kinds & Augmentation.FlipVertical) != 0 && random.Next(2) == 1;
        int shiftX = 0, shiftY = 0;
        if ((kinds & Augmentation.Shift) != 0)
        {
            shiftX = random.Next(-maxShiftX, maxShiftX + 1);
            shiftY = random.Next(-maxShiftY, maxShiftY + 1);
        }
        int quarterTurns = 0;
        if ((kinds & Augmentation.Rotate90) != 0)
        {
            quarterTurns = random.Next(4);
        }
        else if ((kinds & Augmentation.Rotate180) != 0)
        {
            quarterTurns = 2 * random.Next(2);
        }
        double degrees = p.RotationRange > 0 ? Symmetric(random, p.RotationRange) : 0;
        int cropX = 0, cropY = 0, cropWidth = 0, cropHeight = 0;
        if (p.CropPercentage < 100)
        {
            cropWidth = Math.Max(1, (int)Math.Round(width * p.CropPercentage / 100.0, MidpointRounding.AwayFromZero));
            cropHeight = Math.Max(1, (int)Math.Round(height * p.CropPercentage / 100.0, MidpointRounding.AwayFromZero));
            cropX = random.Next(width - cropWidth + 1);
            cropY = random.Next(height - cropHeight + 1);
        }
        double contrast = p.ContrastVariation > 0 ? Symmetric(random, p.ContrastVariation) : 0;
        double saturation = p.SaturationVariation > 0 && channels == 3 ? Symmetric(random, p.SaturationVariation) : 0;
        int brightness = p.BrightnessVariation > 0
            ? random.Next(-p.BrightnessVariation, p.BrightnessVariation + 1)
            : 0;
        int spot = 0;
        double spotX = 0, spotY = 0, spotRadius = 0;
        if (p.BrightnessSpotVariation > 0)
        {
            spotX = random.NextDouble() * width;
            spotY = random.NextDouble() * height;
            spotRadius = (0.25 + 0.25 * random.NextDouble()) * Math.Min(width, height);
            spot = random.Next(-p.BrightnessSpotVariation, p.BrightnessSpotVariation + 1);
        }

        return new AugmentationDraw
        {
            Augmented = true, FlipHorizontal = flipX, FlipVertical = flipY, ShiftX = shiftX, ShiftY = shiftY,
            QuarterTurns = quarterTurns, RotationDegrees = degrees, CropX = cropX, CropY = cropY,
            CropWidth = cropWidth, CropHeight = cropHeight, ContrastChange = contrast, SaturationChange = saturation,
            BrightnessOffset = brightness, SpotOffset = spot, SpotX = spotX, SpotY = spotY, SpotRadius = spotRadius,
        };
    }

    /// <summary>
    /// Draws the changes for one image and writes it, changed, into slot <paramref name="slot"/> of the buffer
    /// as values from 0 to 1.
    /// </summary>
    /// <param name="source">The image as bytes, channels × height × width.</param>
    public AugmentationDraw Write(byte[] source, float[] buffer, int slot, Random random)
    {
        AugmentationDraw draw = Draw(random);
        Apply(draw, source, buffer, slot);
        return draw;
    }

    /// <summary>Writes the image, changed as <paramref name="draw"/> says, into a slot of the buffer.</summary>
    public void Apply(AugmentationDraw draw, byte[] source, float[] buffer, int slot)
    {
        Span<float> target = buffer.AsSpan(slot * ImageSize, ImageSize);
        if (!draw.IsPhotometric && !draw.IsGeometric)
        {
            PixelBytes.ToUnit(source, target);
            return;
        }

        if (draw.IsGeometric)
        {
            Resample(draw, source, target);
        }
        else
        {
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = source[i];
            }
        }
        if (draw.IsPhotometric)
        {
            ChangeGreyValues(draw, target);
        }
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = Math.Clamp(target[i], 0f, 255f) / 255f;
        }
    }

    /// <summary>Samples the source through the draw's affine map into <paramref name="target"/> (0 to 255).</summary>
    private void Resample(in AugmentationDraw draw, byte[] source, Span<float> target)
    {
        Affine map = MapToSource(draw);
        bool exact = draw.CropWidth == 0 && draw.RotationDegrees == 0
                     && (draw.QuarterTurns % 2 == 0 || width == height);
        int plane = height * width;
        for (int y = 0; y < height; y++)
        {
            double rowX = map.B * y + map.E;
            double rowY = map.D * y + map.F;
            for (int x = 0; x < width; x++)
            {
                double sourceX = Math.Clamp(map.A * x + rowX, 0, width - 1);
                double sourceY = Math.Clamp(map.C * x + rowY, 0, height - 1);
                int at = y * width + x;
                if (exact)
                {
                    int from = (int)Math.Round(sourceY) * width + (int)Math.Round(sourceX);
                    for (int c = 0; c < channels; c++)
                    {
                        target[c * plane + at] = source[c * plane + from];
                    }
                    continue;
                }

                int left = (int)sourceX, top = (int)sourceY;
                int right = Math.Min(left + 1, width - 1), bottom = Math.Min(top + 1, height - 1);
                float fx = (float)(sourceX - left), fy = (float)(sourceY - top);
                int topLeft = top * width + left, topRight = top * width + right;
                int bottomLeft = bottom * width + left, bottomRight = bottom * width + right;
                for (int c = 0; c < channels; c++)
                {
                    int offset = c * plane;
                    float upper = source[offset + topLeft]
                                  + fx * (source[offset + topRight] - source[offset + topLeft]);
                    float lower = source[offset + bottomLeft]
                                  + fx * (source[offset + bottomRight] - source[offset + bottomLeft]);
                    target[offset + at] = upper + fy * (lower - upper);
                }
            }
        }
    }

    /// <summary>
    /// The map from an output pixel (x, y) to the source position it shows, built by undoing the forward
    /// changes in reverse order in coordinates centred on the image.
    /// </summary>
    private Affine MapToSource(in AugmentationDraw draw)
    {
        double halfWidth = width / 2.0, halfHeight = height / 2.0;
        Affine map = Affine.Translation(0.5 - halfWidth, 0.5 - halfHeight)
            .Then(Affine.Translation(-draw.ShiftX, -draw.ShiftY))
            .Then(Affine.Scale(draw.FlipHorizontal ? -1 : 1, draw.FlipVertical ? -1 : 1));
        if (draw.QuarterTurns != 0)
        {
            // Undoing k clockwise quarter turns is a turn by −90°·k; an odd count swaps the sides, so a
            // rectangle is stretched back to its own proportions.
            map = map.Then(Affine.Rotation(-90 * draw.QuarterTurns));
            if (draw.QuarterTurns % 2 == 1)
            {
                map = map.Then(Affine.Scale((double)width / height, (double)height / width));
            }
        }
        if (draw.RotationDegrees != 0)
        {
            map = map.Then(Affine.Rotation(-draw.RotationDegrees));
        }
        if (draw.CropWidth > 0)
        {
            map = map.Then(Affine.Scale((double)draw.CropWidth / width, (double)draw.CropHeight / height))
                .Then(Affine.Translation(draw.CropX + draw.CropWidth / 2.0 - halfWidth,
                    draw.CropY + draw.CropHeight / 2.0 - halfHeight));
        }
        return map.Then(Affine.Translation(halfWidth - 0.5, halfHeight - 0.5));
    }

    private void ChangeGreyValues(in AugmentationDraw draw, Span<float> target)
    {
        int plane = height * width;
        if (draw.ContrastChange != 0)
        {
            float factor = (float)(1 + draw.ContrastChange);
            for (int c = 0; c < channels; c++)
            {
                Span<float> values = target.Slice(c * plane, plane);
                double sum = 0;
                foreach (float value in values)
                {
                    sum += value;
                }
                float mean = (float)(sum / plane);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = mean + (values[i] - mean) * factor;
                }
            }
        }
        if (draw.SaturationChange != 0 && channels == 3)
        {
            float factor = (float)(1 + draw.SaturationChange);
            for (int i = 0; i < plane; i++)
            {
                float red = target[i], green = target[plane + i], blue = target[2 * plane + i];
                float grey = 0.299f * red + 0.587f * green + 0.114f * blue;
                target[i] = grey + (red - grey) * factor;
                target[plane + i] = grey + (green - grey) * factor;
                target[2 * plane + i] = grey + (blue - grey) * factor;
            }
        }
        if (draw.BrightnessOffset != 0)
        {
            float offset = draw.BrightnessOffset;
            for (int i = 0; i < target.Length; i++)
            {
                target[i] += offset;
            }
        }
        if (draw.SpotOffset != 0)
        {
            AddSpot(draw, target);
        }
    }

    /// <summary>
    /// Adds the spot: offset · (1 − d²/r²)² at distance d &lt; r from its centre, a bump that is flat at the
    /// centre and meets zero smoothly at the rim.
    /// </summary>
    private void AddSpot(in AugmentationDraw draw, Span<float> target)
    {
        int plane = height * width;
        double radiusSquared = draw.SpotRadius * draw.SpotRadius;
        for (int y = 0; y < height; y++)
        {
            double dy = y + 0.5 - draw.SpotY;
            for (int x = 0; x < width; x++)
            {
                double dx = x + 0.5 - draw.SpotX;
                double closeness = 1 - (dx * dx + dy * dy) / radiusSquared;
                if (closeness <= 0)
                {
                    continue;
                }
                float change = (float)(draw.SpotOffset * closeness * closeness);
                for (int c = 0; c < channels; c++)
                {
                    target[c * plane + y * width + x] += change;
                }
            }
        }
    }

    /// <summary>A value drawn evenly from −<paramref name="limit"/> to +<paramref name="limit"/>.</summary>
    private static double Symmetric(Random random, double limit) => (2 * random.NextDouble() - 1) * limit;

    /// <summary>(x, y) ↦ (A·x + B·y + E, C·x + D·y + F).</summary>
    private readonly record struct Affine(double A, double B, double C, double D, double E, double F)
    {
        public static Affine Translation(double x, double y) => new(1, 0, 0, 1, x, y);

        public static Affine Scale(double x, double y) => new(x, 0, 0, y, 0, 0);

        /// <summary>A clockwise turn on screen, where y points down; quarter turns are exact.</summary>
        public static Affine Rotation(double degrees)
        {
            (double sin, double cos) = (degrees % 90 == 0)
                ? (ExactSine(degrees), ExactSine(degrees + 90))
                : Math.SinCos(degrees * Math.PI / 180);
            return new Affine(cos, -sin, sin, cos, 0, 0);
        }

        /// <summary>This map followed by <paramref name="next"/>.</summary>
        public Affine Then(Affine next) => new(
            next.A * A + next.B * C, next.A * B + next.B * D,
            next.C * A + next.D * C, next.C * B + next.D * D,
            next.A * E + next.B * F + next.E, next.C * E + next.D * F + next.F);

        private static double ExactSine(double degrees) => ((((int)(degrees / 90) % 4) + 4) % 4) switch
        {
            1 => 1,
            3 => -1,
            _ => 0,
        };
    }
}
