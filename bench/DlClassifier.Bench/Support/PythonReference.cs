using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace DlClassifier.Bench;

/// <summary>
/// Runs a PyTorch script with Debian's /usr/bin/python3 and collects its <c>RESULT {json}</c> lines by name.
/// </summary>
internal static class PythonReference
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>True when Debian's python3-torch is importable.</summary>
    public static bool IsAvailable()
    {
        if (!File.Exists(Interpreter))
        {
            return false;
        }
        var info = new ProcessStartInfo(Interpreter, new[] { "-c", "import torch, torchvision" })
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        using Process process = Process.Start(info)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    /// <summary>
    /// Runs the script; with <paramref name="openBlas"/> the reference BLAS is replaced by OpenBLAS through
    /// LD_LIBRARY_PATH, as the reference's README describes for batch-1 latency.
    /// </summary>
    /// <exception cref="InvalidOperationException">The script failed.</exception>
    public static Dictionary<string, double> Run(string script, IEnumerable<string> arguments, bool openBlas)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        string? blas = openBlas ? BenchPaths.OpenBlasLibraryFolder() : null;
        if (blas is not null)
        {
            info.Environment["LD_LIBRARY_PATH"] = blas;
        }
        var results = new Dictionary<string, double>(StringComparer.Ordinal);
        using Process process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) => { };
        process.BeginErrorReadLine();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                using JsonDocument record = JsonDocument.Parse(line[7..]);
                results[record.RootElement.GetProperty("name").GetString()!] =
                    record.RootElement.GetProperty("value").GetDouble();
            }
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}.");
        }
        return results;
    }
}
