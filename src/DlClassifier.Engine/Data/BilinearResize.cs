namespace DlClassifier.Engine.Data;

/// <summary>
/// Bilinear resizing of row-major planes with half-pixel centres: target pixel i sits at source position
/// (i + 0.5) × source / target − 0.5, values beyond the outermost centres are held at the edge, and there is no
/// anti-aliasing filter when shrinking. This is PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c>.
/// </summary>
internal static class BilinearResize
{
    /// <summary>Resizes one plane of <paramref name="sourceHeight"/> rows of <paramref name="sourceWidth"/>.</summary>
    public static float[] Plane(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int targetWidth,
        int targetHeight)
    {
        var target = new float[targetWidth * targetHeight];
        for (int y = 0; y < targetHeight; y++)
        {
            (int top, int bottom, float rowWeight) = Neighbours(y, targetHeight, sourceHeight);
            for (int x = 0; x < targetWidth; x++)
            {
                (int left, int right, float columnWeight) = Neighbours(x, targetWidth, sourceWidth);
                float upper = Lerp(source[top * sourceWidth + left], source[top * sourceWidth + right], columnWeight);
                float lower = Lerp(source[bottom * sourceWidth + left], source[bottom * sourceWidth + right],
                    columnWeight);
                target[y * targetWidth + x] = Lerp(upper, lower, rowWeight);
            }
        }
        return target;
    }

    /// <summary>Resizes each of <paramref name="channels"/> planes stored one after the other.</summary>
    public static float[] Planes(float[] source, int channels, int sourceWidth, int sourceHeight, int targetWidth,
        int targetHeight)
    {
        int sourcePlane = sourceWidth * sourceHeight;
        if (source.Length != channels * sourcePlane)
        {
            throw new ArgumentException($"{channels} planes of {sourceWidth}×{sourceHeight} hold " +
                $"{channels * sourcePlane} values, not {source.Length}.", nameof(source));
        }
        int targetPlane = targetWidth * targetHeight;
        var target = new float[channels * targetPlane];
        for (int c = 0; c < channels; c++)
        {
            Plane(source.AsSpan(c * sourcePlane, sourcePlane), sourceWidth, sourceHeight, targetWidth, targetHeight)
                .CopyTo(target, c * targetPlane);
        }
        return target;
    }

    /// <summary>The two source indices around a target index and the weight of the second.</summary>
    private static (int First, int Second, float Weight) Neighbours(int index, int targetLength, int sourceLength)
    {
        double position = (index + 0.5) * sourceLength / targetLength - 0.5;
        position = Math.Clamp(position, 0, sourceLength - 1);
        int first = (int)Math.Floor(position);
        int second = Math.Min(first + 1, sourceLength - 1);
        return (first, second, (float)(position - first));
    }

    private static float Lerp(float from, float to, float weight) => from + (to - from) * weight;
}
