namespace DlClassifier.Engine.Training;

/// <summary>
/// Packs training images into a batch buffer, applying the random augmentation on the way. It draws from
/// its own seeded generator, never from libtorch's, so the same seed gives the same batches.
/// </summary>
internal sealed class BatchAugmenter
{
    private readonly int channels;
    private readonly int height;
    private readonly int width;
    private readonly Augmentation augmentation;
    private readonly int maxShiftX;
    private readonly int maxShiftY;

    public BatchAugmenter(int channels, int height, int width, Augmentation augmentation, double shiftFraction)
    {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.augmentation = augmentation;
        maxShiftX = (int)Math.Round(width * shiftFraction);
        maxShiftY = (int)Math.Round(height * shiftFraction);
    }

    public int ImageSize => channels * height * width;

    /// <summary>
    /// Copies image <paramref name="source"/> (bytes, channels × height × width) into slot <paramref name="slot"/>
    /// of the buffer as values from 0 to 1, augmented.
    /// </summary>
    public void Write(byte[] source, float[] buffer, int slot, Random random)
    {
        bool flipX = augmentation.HasFlag(Augmentation.FlipHorizontal) && random.Next(2) == 1;
        bool flipY = augmentation.HasFlag(Augmentation.FlipVertical) && random.Next(2) == 1;
        int shiftX = 0, shiftY = 0;
        if (augmentation.HasFlag(Augmentation.Shift))
        {
            shiftX = random.Next(-maxShiftX, maxShiftX + 1);
            shiftY = random.Next(-maxShiftY, maxShiftY + 1);
        }
        int offset = slot * ImageSize;
        if (!flipX && !flipY && shiftX == 0 && shiftY == 0)
        {
            PixelBytes.ToUnit(source, buffer.AsSpan(offset, ImageSize));
            return;
        }

        // Output pixel (x, y) takes source pixel (x - shift), mirrored if asked, clamped to the edge so
        // that shifted-in borders repeat the image's own edge instead of inventing black.
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                int sourceY = Math.Clamp(y - shiftY, 0, height - 1);
                if (flipY)
                {
                    sourceY = height - 1 - sourceY;
                }
                int rowIn = c * plane + sourceY * width;
                int rowOut = offset + c * plane + y * width;
                for (int x = 0; x < width; x++)
                {
                    int sourceX = Math.Clamp(x - shiftX, 0, width - 1);
                    if (flipX)
                    {
                        sourceX = width - 1 - sourceX;
                    }
                    buffer[rowOut + x] = PixelBytes.UnitValues[source[rowIn + sourceX]];
                }
            }
        }
    }
}
