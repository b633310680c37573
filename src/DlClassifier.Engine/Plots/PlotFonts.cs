using ScottPlot;
using SkiaSharp;

namespace DlClassifier.Engine.Plots;

/// <summary>
/// The typeface every picture of the engine uses: DejaVu Sans, embedded in this assembly.
/// </summary>
/// <remarks>
/// SkiaSharp's Linux build without dependencies finds fonts only in the system font folder, and a minimal
/// Linux image (a CI container, a server) has none: every label, tick and title would then silently vanish.
/// Embedding one family makes the pictures readable everywhere and look the same on every system.
/// The family covers Latin, Greek and Cyrillic; class names in other scripts (Chinese, Arabic) render as
/// boxes, because no fallback to installed fonts is attempted.
/// </remarks>
internal static class PlotFonts
{
    /// <summary>The family name under which the embedded font is registered with ScottPlot.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKData> Regular = new(() => LoadResource("DejaVuSans.ttf"));

    private static readonly Lazy<SKData> Bold = new(() => LoadResource("DejaVuSans-Bold.ttf"));

    private static readonly object RegistrationLock = new();

    private static bool registered;

    /// <summary>Creates a typeface of the embedded family.</summary>
    /// <param name="bold">Whether the bold face is wanted.</param>
    public static SKTypeface CreateTypeface(bool bold)
    {
        var data = bold ? Bold.Value : Regular.Value;
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"The embedded font '{Family}' could not be read by SkiaSharp.");
    }

    /// <summary>
    /// Makes ScottPlot resolve <see cref="Family"/> to the embedded font and sets it on every label of
    /// <paramref name="plot"/>. Call it after all plottables are added.
    /// </summary>
    /// <param name="plot">The plot whose text should use the embedded font.</param>
    public static void Apply(Plot plot)
    {
        EnsureRegistered();
        plot.Font.Set(Family);
        plot.Legend.FontName = Family;

        // Left on, the legend would pick an installed font again at every render.
        plot.Legend.SetBestFontOnEachRender = false;
        foreach (var label in plot.GetPlottables().OfType<LabelStyleProperties>())
        {
            label.LabelFontName = Family;
        }
    }

    /// <summary>Registers the embedded font with ScottPlot once per process.</summary>
    public static void EnsureRegistered()
    {
        lock (RegistrationLock)
        {
            if (registered)
            {
                return;
            }

            // First in the list, so that an installed font of the same name cannot shadow the embedded one.
            Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
            registered = true;
        }
    }

    private static SKData LoadResource(string fileName)
    {
        var name = typeof(PlotFonts).Namespace + ".Fonts." + fileName;
        using var stream = typeof(PlotFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font resource '{name}' is missing from the engine.");
        return SKData.Create(stream);
    }

    /// <summary>Answers ScottPlot's requests for <see cref="Family"/> and declines all others.</summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing)
        {
            return CreateTypeface(fontName, weight >= FontWeight.SemiBold, italic: false);
        }

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
        {
            // No italic face is embedded; the upright one is the closest match.
            return string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase)
                ? PlotFonts.CreateTypeface(bold)
                : null;
        }
    }
}
