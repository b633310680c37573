using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace DlClassifier.Engine.Data;

/// <summary>
/// How <see cref="DataSetSplitter"/> finds the physical object an image shows, so that all images of one
/// object land in one subset: from a property of the sample, or from a part of the file name.
/// </summary>
public sealed class SampleGrouping
{
    /// <summary>The name of the capture a file-name pattern must have.</summary>
    public const string CaptureName = "group";

    /// <summary>A pattern that has not matched within this time is abandoned rather than left to run on.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private readonly Func<DlSample, string?> groupOf;

    private SampleGrouping(string description, bool isPattern, Func<DlSample, string?> groupOf)
    {
        Description = description;
        IsPattern = isPattern;
        this.groupOf = groupOf;
    }

    /// <summary>The groups the samples already carry in <see cref="DlSample.Group"/>; the splitter's default.</summary>
    public static SampleGrouping ByGroupProperty { get; } =
        new($"the property {nameof(DlSample.Group)}", false, sample => sample.Group);

    /// <summary>What the groups are taken from, for messages.</summary>
    public string Description { get; }

    /// <summary>True when the groups come from a regular expression over file names.</summary>
    public bool IsPattern { get; }

    /// <summary>
    /// Reads a grouping as a user writes it: the name of a sample property (such as <c>Group</c>, in any case),
    /// or else a regular expression with a capture named <c>group</c> that is matched against each file name
    /// (without its folder), such as <c>^(?&lt;group&gt;part\d+)_</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The text names no property and is not a regular expression with a
    /// capture named <c>group</c>.</exception>
    public static SampleGrouping Parse(string groupBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupBy);
        PropertyInfo? property = typeof(DlSample).GetProperty(groupBy.Trim(),
            BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is not null)
        {
            return new SampleGrouping($"the property {property.Name}", false,
                sample => Normalise(Convert.ToString(property.GetValue(sample), CultureInfo.InvariantCulture)));
        }

        Regex pattern;
        try
        {
            pattern = new Regex(groupBy, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"'{groupBy}' is neither a property of a sample nor a regular expression: {e.Message}",
                nameof(groupBy), e);
        }
        if (!pattern.GetGroupNames().Contains(CaptureName, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"'{groupBy}' is neither a property of a sample nor a regular expression with a capture named " +
                $"'{CaptureName}'. Give a property such as {nameof(DlSample.Group)}, or a pattern such as " +
                @"'^(?<group>part\d+)_' whose capture picks the object's name out of the file name.",
                nameof(groupBy));
        }
        return new SampleGrouping($"the pattern '{groupBy}'", true, sample =>
        {
            Match match = pattern.Match(Path.GetFileName(sample.Path));
            return match.Success ? Normalise(match.Groups[CaptureName].Value) : null;
        });
    }

    /// <summary>The group of a sample, or null when it belongs to no group.</summary>
    /// <exception cref="RegexMatchTimeoutException">The pattern took too long on a file name.</exception>
    public string? GroupOf(DlSample sample) => groupOf(sample);

    public override string ToString() => Description;

    private static string? Normalise(string? group) => string.IsNullOrEmpty(group) ? null : group;
}
