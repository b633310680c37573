using System.Globalization;

namespace DlClassifier.Bench;

/// <summary>Options given as <c>--name value</c> pairs; a name without a value is a switch.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string?> values = new(StringComparer.OrdinalIgnoreCase);

    public static BenchArgs Parse(string[] args)
    {
        var parsed = new BenchArgs();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option such as --rounds, not '{args[i]}'.");
            }
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            parsed.values[args[i][2..]] = hasValue ? args[++i] : null;
        }
        return parsed;
    }

    public bool Has(string name) => values.ContainsKey(name);

    public string Text(string name, string fallback) =>
        values.TryGetValue(name, out string? value) && value is not null ? value : fallback;

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out string? value) && value is not null
            ? int.Parse(value, CultureInfo.InvariantCulture)
            : fallback;
}
