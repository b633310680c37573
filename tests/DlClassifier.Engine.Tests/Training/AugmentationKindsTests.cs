using DlClassifier.Engine.Training;
using Xunit;
using static DlClassifier.Engine.Tests.Training.BatchAugmenterTests;

namespace DlClassifier.Engine.Tests.Training;

public sealed class AugmentationKindsTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(4, 3)]
    public void Write_QuarterTurnsOfSquare_MoveEveryPixelExactly(int side, int turns)
    {
        // One clockwise quarter turn puts source pixel (column y, row side − 1 − x) at output (x, y).
        byte[] image = Enumerable.Range(0, side * side).Select(i => (byte)(10 * (i / side) + i % side)).ToArray();
        byte[] expected = image;
        for (int turn = 0; turn < turns; turn++)
        {
            byte[] before = expected;
            expected = Enumerable.Range(0, side * side)
                .Select(i => before[(side - 1 - i % side) * side + i / side]).ToArray();
        }
        var augmenter = Augmenter(1, side, side, Augmentation.Rotate90);
        var buffer = new float[side * side];

        AugmentationDraw draw = augmenter.Write(image, buffer, 0, new ScriptedRandom(turns));

        Assert.Equal(Unit(expected), buffer);
        Assert.Equal(new[] { $"turn {90 * turns}°" }, draw.Describe());
    }

    [Fact]
    public void Write_OneQuarterTurnOfThreeByThree_ReadsTheFirstColumnUpwardsIntoTheFirstRow()
    {
        byte[] image = { 0, 1, 2, 10, 11, 12, 20, 21, 22 };
        var buffer = new float[9];

        Augmenter(1, 3, 3, Augmentation.Rotate90).Write(image, buffer, 0, new ScriptedRandom(1));

        Assert.Equal(Unit(20, 10, 0, 21, 11, 1, 22, 12, 2), buffer);
    }

    [Fact]
    public void Write_Rotate180Drawn_TurnsHalfRoundWithOneDrawOfTwo()
    {
        var random = new ScriptedRandom(1);
        var buffer = new float[12];
        byte[] image = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();

        AugmentationDraw draw = Augmenter(1, 3, 4, Augmentation.Rotate180).Write(image, buffer, 0, random);

        Assert.Equal(Unit(image.Reverse().ToArray()), buffer);
        Assert.Equal(2, draw.QuarterTurns);
        Assert.Equal(new[] { (0, 2) }, random.Ranges);
    }

    [Fact]
    public void Write_QuarterTurnOfRectangle_StretchesBackToTheInputSize()
    {
        // A 4 × 2 image, left half 0 and right half 200; turned clockwise, the dark half comes to the top.
        byte[] image = { 0, 0, 200, 200, 0, 0, 200, 200 };
        var buffer = new float[8];

        Augmenter(1, 2, 4, Augmentation.Rotate90).Write(image, buffer, 0, new ScriptedRandom(1));

        Assert.All(buffer[..4], v => Assert.InRange(v, 0f, 100 / 255f));
        Assert.All(buffer[4..], v => Assert.InRange(v, 100 / 255f, 200 / 255f));
    }

    [Fact]
    public void Write_RotationRangeDrawnAtItsLimit_MatchesTheQuarterTurnExactly()
    {
        // 0.75 drawn in a range of ±180° is +90°, which must agree with one clockwise quarter turn.
        byte[] image = { 0, 1, 2, 10, 11, 12, 20, 21, 22 };
        var turned = new float[9];
        var rotated = new float[9];
        Augmenter(1, 3, 3, Augmentation.Rotate90).Write(image, turned, 0, new ScriptedRandom(1));

        AugmentationDraw draw = Augmenter(1, 3, 3, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, RotationRange = 180,
        }).Write(image, rotated, 0, new ScriptedRandom(0.75));

        Assert.Equal(turned, rotated);
        Assert.Equal(new[] { "rot +90.0°" }, draw.Describe());
    }

    [Fact]
    public void Write_RotationByAnAngle_KeepsTheCentreAndFillsCornersFromTheEdge()
    {
        // −30°: no pixel of a flat image may turn black, and the centre pixel stays where it is.
        byte[] flat = Enumerable.Repeat((byte)90, 25).ToArray();
        byte[] dot = new byte[25];
        dot[12] = 250;
        var parameters = new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, RotationRange = 60,
        };
        var flatBuffer = new float[25];
        var dotBuffer = new float[25];

        Augmenter(1, 5, 5, parameters).Write(flat, flatBuffer, 0, new ScriptedRandom(0.25));
        Augmenter(1, 5, 5, parameters).Write(dot, dotBuffer, 0, new ScriptedRandom(0.25));

        Assert.All(flatBuffer, v => Assert.Equal(90 / 255f, v));
        Assert.Equal(250 / 255f, dotBuffer[12]);
    }

    [Fact]
    public void Write_CropHalfAtOneOne_StretchesTheCropBilinearlyToTheFullSize()
    {
        // 4 × 4 with value 10·row + column, which bilinear sampling reproduces exactly. The 2 × 2 crop at (1, 1)
        // is sampled at 0.75, 1.25, 1.75 and 2.25 along each axis.
        byte[] image = Enumerable.Range(0, 16).Select(i => (byte)(10 * (i / 4) + i % 4)).ToArray();
        var random = new ScriptedRandom(1, 1);
        var buffer = new float[16];

        AugmentationDraw draw = Augmenter(1, 4, 4, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, CropPercentage = 50,
        }).Write(image, buffer, 0, random);

        double[] at = { 0.75, 1.25, 1.75, 2.25 };
        float[] expected = Enumerable.Range(0, 16).Select(i => (float)(10 * at[i / 4] + at[i % 4]) / 255f).ToArray();
        Assert.Equal(expected, buffer);
        Assert.Equal((1, 1, 2, 2), (draw.CropX, draw.CropY, draw.CropWidth, draw.CropHeight));
        Assert.Equal(new[] { (0, 3), (0, 3) }, random.Ranges);
    }

    [Theory]
    [InlineData(28, 28, 80, 22, 22)] // 22.4
    [InlineData(4, 3, 50, 2, 2)] // 1.5 rounds away from zero.
    [InlineData(10, 5, 10, 1, 1)] // 0.5 → 1.
    [InlineData(100, 50, 99, 99, 50)] // 49.5 → 50.
    [InlineData(7, 9, 100, 0, 0)] // 100 % is no crop, and no draw.
    public void Draw_CropPercentage_GivesCropOfRoundedSize(int width, int height, int percentage, int cropWidth,
        int cropHeight)
    {
        var augmenter = Augmenter(1, height, width, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, CropPercentage = percentage,
        });
        var random = new Random(3);

        AugmentationDraw draw = augmenter.Draw(random);

        Assert.Equal((cropWidth, cropHeight), (draw.CropWidth, draw.CropHeight));
        Assert.InRange(draw.CropX, 0, width - cropWidth);
        Assert.InRange(draw.CropY, 0, height - cropHeight);
    }

    [Theory]
    [InlineData(25, new byte[] { 0, 100, 240, 255 }, new byte[] { 25, 125, 255, 255 })]
    [InlineData(-25, new byte[] { 0, 100, 240, 255 }, new byte[] { 0, 75, 215, 230 })]
    [InlineData(30, new byte[] { 5, 6, 7, 8 }, new byte[] { 35, 36, 37, 38 })]
    public void Write_BrightnessOffset_AddsItExactlyAndClips(int offset, byte[] image, byte[] expected)
    {
        var random = new ScriptedRandom(offset);
        var buffer = new float[4];

        AugmentationDraw draw = Augmenter(1, 2, 2, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, BrightnessVariation = 30,
        }).Write(image, buffer, 0, random);

        Assert.Equal(Unit(expected), buffer);
        Assert.Equal(new[] { (-30, 31) }, random.Ranges);
        Assert.Equal(new[] { $"bright {offset:+0;-0}" }, draw.Describe());
    }

    [Fact]
    public void Write_ContrastDrawn_StretchesTheSpreadAroundTheMean()
    {
        // 0.75 drawn with variation 0.5 is a factor of 1 + 0.25; the mean of the image is 100.
        var buffer = new float[4];

        AugmentationDraw draw = Augmenter(1, 2, 2, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, ContrastVariation = 0.5,
        }).Write(new byte[] { 0, 100, 200, 100 }, buffer, 0, new ScriptedRandom(0.75));

        Assert.Equal(Unit(0, 100, 225, 100), buffer);
        Assert.Equal(0.25, draw.ContrastChange);
    }

    [Fact]
    public void Write_SaturationHalved_MovesColoursHalfWayToTheirGrey()
    {
        // One pixel (200, 100, 0); its grey value is 0.299·200 + 0.587·100 = 118.5.
        var buffer = new float[3];

        Augmenter(3, 1, 1, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, SaturationVariation = 1,
        }).Write(new byte[] { 200, 100, 0 }, buffer, 0, new ScriptedRandom(0.25));

        Assert.Equal(159.25f / 255, buffer[0], 1e-6f);
        Assert.Equal(109.25f / 255, buffer[1], 1e-6f);
        Assert.Equal(59.25f / 255, buffer[2], 1e-6f);
    }

    [Fact]
    public void Write_SaturationOnGreyImage_DrawsNothingAndChangesNothing()
    {
        var random = new ScriptedRandom();
        var buffer = new float[2];

        Augmenter(1, 1, 2, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, SaturationVariation = 1,
        }).Write(new byte[] { 40, 50 }, buffer, 0, random);

        Assert.Equal(Unit(40, 50), buffer);
        Assert.Empty(random.Ranges);
    }

    [Fact]
    public void Write_BrightnessSpot_BrightensAroundItsCentreAndNothingBeyondItsRadius()
    {
        // Centre (4, 4) of an 8 × 8 flat image, radius a quarter of 8 = 2, offset +40. Pixel (3, 3) has its
        // centre at distance² 0.5: 40·(1 − 0.5/4)² = 30.625.
        byte[] image = Enumerable.Repeat((byte)100, 64).ToArray();
        var random = new ScriptedRandom(0.5, 0.5, 0, 40);
        var buffer = new float[64];

        AugmentationDraw draw = Augmenter(1, 8, 8, new DlClassifierParam
        {
            Augmentation = Augmentation.None, AugmentationPercentage = 100, BrightnessSpotVariation = 50,
        }).Write(image, buffer, 0, random);

        Assert.Equal(130.625f / 255, buffer[3 * 8 + 3], 1e-6f);
        Assert.Equal(130.625f / 255, buffer[4 * 8 + 4], 1e-6f);
        Assert.Equal(100 / 255f, buffer[0]);
        Assert.Equal(100 / 255f, buffer[4 * 8 + 6]);
        Assert.Equal((4.0, 4.0, 2.0, 40), (draw.SpotX, draw.SpotY, draw.SpotRadius, draw.SpotOffset));
        Assert.True(random.IsSpent);
    }

    [Fact]
    public void Write_PercentageZero_LeavesEveryImageUntouchedAndDrawsNothing()
    {
        var augmenter = Augmenter(1, 3, 4, AllKinds(percentage: 0));
        byte[] image = Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray();
        var random = new ScriptedRandom();
        var buffer = new float[12];

        for (int i = 0; i < 50; i++)
        {
            AugmentationDraw draw = augmenter.Write(image, buffer, 0, random);

            Assert.Equal(Unit(image), buffer);
            Assert.False(draw.Augmented);
        }
        Assert.Empty(random.Ranges);
    }

    [Theory]
    [InlineData(49, true)]
    [InlineData(50, false)]
    public void Write_PercentageFifty_AugmentsWhenTheDrawOfHundredIsBelowIt(int drawn, bool augmented)
    {
        var random = new ScriptedRandom(drawn, 1);
        var buffer = new float[12];

        AugmentationDraw draw = Augmenter(1, 3, 4, new DlClassifierParam
        {
            Augmentation = Augmentation.FlipHorizontal, AugmentationPercentage = 50,
        }).Write(Image12, buffer, 0, random);

        Assert.Equal(augmented, draw.Augmented);
        Assert.Equal(augmented ? 2 : 1, random.Ranges.Count);
        Assert.Equal((0, 100), random.Ranges[0]);
    }

    [Fact]
    public void Write_PercentageHundred_DrawsNoPercentage()
    {
        var random = new ScriptedRandom(1);

        Augmenter(1, 3, 4, Augmentation.FlipHorizontal).Write(Image12, new float[12], 0, random);

        Assert.Equal(new[] { (0, 2) }, random.Ranges);
    }

    [Fact]
    public void Write_SameSeed_GivesTheSameImagesAndDraws()
    {
        byte[] image = Enumerable.Range(0, 3 * 6 * 5).Select(i => (byte)(i * 7 % 256)).ToArray();

        (float[] Values, AugmentationDraw[] Draws) Run(int seed)
        {
            var augmenter = Augmenter(3, 5, 6, AllKinds(percentage: 80));
            var random = new Random(seed);
            var buffer = new float[20 * image.Length];
            AugmentationDraw[] draws = Enumerable.Range(0, 20).Select(i => augmenter.Write(image, buffer, i, random))
                .ToArray();
            return (buffer, draws);
        }

        (float[] first, AugmentationDraw[] firstDraws) = Run(5);
        (float[] second, AugmentationDraw[] secondDraws) = Run(5);
        (float[] other, _) = Run(6);

        Assert.Equal(first, second);
        Assert.Equal(firstDraws, secondDraws);
        Assert.NotEqual(first, other);
        Assert.All(first, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Write_AllKindsOn_AllocatesNothing()
    {
        byte[] image = Enumerable.Range(0, 3 * 32 * 32).Select(i => (byte)(i % 251)).ToArray();
        var augmenter = Augmenter(3, 32, 32, AllKinds(percentage: 100));
        var random = new Random(1);
        var buffer = new float[image.Length];
        augmenter.Write(image, buffer, 0, random);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            augmenter.Write(image, buffer, 0, random);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Describe_EveryKind_ListsThemInTheOrderTheyAreApplied()
    {
        var draw = new AugmentationDraw
        {
            Augmented = true, CropWidth = 22, CropHeight = 20, CropX = 3, CropY = 1, RotationDegrees = -7.25,
            QuarterTurns = 3, FlipHorizontal = true, FlipVertical = true, ShiftX = -2, ShiftY = 0,
            ContrastChange = 0.125, SaturationChange = -0.1, BrightnessOffset = 12, SpotOffset = -20,
        };

        Assert.Equal(new[]
        {
            "crop 22×20@3,1", "rot -7.3°", "turn 270°", "flip H", "flip V", "shift -2,0", "contrast ×1.13",
            "sat ×0.90", "bright +12", "spot -20",
        }, draw.Describe());
        Assert.Equal("unchanged", default(AugmentationDraw).ToString());
    }

    private static readonly byte[] Image12 = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();

    private static DlClassifierParam AllKinds(int percentage) => new()
    {
        Augmentation = Augmentation.FlipHorizontal | Augmentation.FlipVertical | Augmentation.Shift |
                       Augmentation.Rotate90,
        ShiftFraction = 0.2, AugmentationPercentage = percentage, RotationRange = 20, BrightnessVariation = 30,
        BrightnessSpotVariation = 40, CropPercentage = 80, ContrastVariation = 0.3, SaturationVariation = 0.4,
    };
}
