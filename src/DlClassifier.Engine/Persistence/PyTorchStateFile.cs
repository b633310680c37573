using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Razorvine.Pickle;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Persistence;

/// <summary>A file that cannot be read as PyTorch weights, with the reason.</summary>
public sealed class WeightFileException : IOException
{
    public WeightFileException(string path, string reason, Exception? inner = null)
        : base($"'{path}' is not a readable weight file: {reason}", inner)
    {
        Path = path;
    }

    public string Path { get; }
}

/// <summary>The file formats PyTorch weights are read from.</summary>
public enum WeightFileFormat
{
    /// <summary>The safetensors format: a JSON header describing each tensor, then their raw bytes.</summary>
    Safetensors,

    /// <summary>A state dict saved by <c>torch.save</c> (a zip archive holding a pickle and the tensor data).</summary>
    TorchSave,
}

/// <summary>
/// Reads a PyTorch state dict, a map of names to tensors, from a safetensors file or from a file written by
/// <c>torch.save(model.state_dict(), path)</c>, with TorchSharp.PyBridge. The format is told by the content,
/// not by the file name.
/// </summary>
/// <remarks>
/// Neither format runs code when read. Safetensors holds only JSON and bytes. A <c>torch.save</c> file holds a
/// Python pickle, which in Python can call any function on load; PyBridge reads it with Razorvine.Pickle,
/// which has no Python to call: a name the pickle refers to is looked up in a fixed table of constructors (the
/// tensor and ordered-dictionary rebuilders that PyBridge registers, and Razorvine's own for plain values such
/// as dates and byte arrays), and any other name, <c>os.system</c> included, becomes an inert placeholder that
/// refuses arguments. TorchScript archives and whole pickled models are refused. The safetensors header is
/// checked here before PyBridge reads the tensors, because PyBridge trusts its offsets and sizes: a damaged or
/// foreign file would otherwise make it allocate up to 2 GB or stop at the end of the file with no name.
/// </remarks>
internal static class PyTorchStateFile
{
    // The largest header accepted: real headers take about 100 bytes per tensor, so this allows a million tensors.
    private const long MaximumHeaderBytes = 100L * 1024 * 1024;

    private static readonly byte[] ZipSignature = { 0x50, 0x4B, 0x03, 0x04 };

    /// <summary>Reads every tensor of the file onto the CPU, in the file's element types.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WeightFileException">The file is of neither format, damaged, or cut short.</exception>
    public static (Dictionary<string, Tensor> State, WeightFileFormat Format) Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new WeightFileException(path, "it is a folder. Give the path of the weight file itself.");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The weight file '{path}' does not exist.", path);
        }
        using FileStream stream = File.OpenRead(path);
        byte[] start = new byte[8];
        int read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (read < start.Length)
        {
            throw new WeightFileException(path, $"it holds only {read} bytes.");
        }
        stream.Position = 0;
        return start.AsSpan(0, 4).SequenceEqual(ZipSignature)
            ? (ReadTorchSave(stream, path), WeightFileFormat.TorchSave)
            : (ReadSafetensors(stream, path, BinaryPrimitives.ReadUInt64LittleEndian(start)),
                WeightFileFormat.Safetensors);
    }

    private static Dictionary<string, Tensor> ReadSafetensors(FileStream stream, string path, ulong headerLength)
    {
        long available = stream.Length - 8;
        if (headerLength < 2 || headerLength > (ulong)Math.Min(available, MaximumHeaderBytes))
        {
            throw NotAWeightFile(path);
        }
        byte[] header = new byte[headerLength];
        stream.Position = 8;
        stream.ReadExactly(header);
        if (header[0] != (byte)'{')
        {
            throw NotAWeightFile(path);
        }
        long dataLength = available - (long)headerLength;
        CheckSafetensorsHeader(header, dataLength, path);

        stream.Position = 0;
        try
        {
            return Safetensors.LoadStateDict(stream, leaveOpen: true);
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            throw new WeightFileException(path, e.Message, e);
        }
    }

    /// <summary>
    /// Checks that every entry of a safetensors header names a known element type and a shape whose bytes fit
    /// its offsets, and that the offsets lie within the data that follows the header.
    /// </summary>
    private static void CheckSafetensorsHeader(byte[] header, long dataLength, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException)
        {
            throw NotAWeightFile(path);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw NotAWeightFile(path);
            }
            long end = 0;
            foreach (JsonProperty entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }
                long[] offsets = ReadEntry(entry, path);
                end = Math.Max(end, offsets[1]);
            }
            if (end > dataLength)
            {
                throw new WeightFileException(path,
                    $"it is cut short: its header describes {end:N0} bytes of tensor data, but only " +
                    $"{dataLength:N0} follow.");
            }
        }
    }

    /// <summary>The data offsets of one header entry, after checking the entry.</summary>
    private static long[] ReadEntry(JsonProperty entry, string path)
    {
        WeightFileException Invalid(string what) =>
            new(path, $"the header entry '{entry.Name}' {what}.");

        JsonElement value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement type) || type.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets)
            || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Invalid("lacks its dtype, shape or data_offsets");
        }
        int elementSize = type.GetString() switch
        {
            "F64" or "I64" => 8,
            "F32" or "I32" => 4,
            "F16" or "BF16" or "I16" => 2,
            "I8" or "U8" or "BOOL" => 1,
            string other => throw Invalid($"has the element type {other}, which cannot be read"),
            null => throw Invalid("has no element type"),
        };
        long elements = 1;
        foreach (JsonElement dimension in shape.EnumerateArray())
        {
            if (!dimension.TryGetInt64(out long size) || size < 0 || size > int.MaxValue)
            {
                throw Invalid("has an invalid shape");
            }
            elements = checked(elements * size);
        }
        long[] range = offsets.EnumerateArray()
            .Select(o => o.TryGetInt64(out long offset) ? offset : -1).ToArray();
        if (range[0] < 0 || range[1] < range[0] || range[1] - range[0] != checked(elements * elementSize))
        {
            throw Invalid($"has data offsets [{range[0]}, {range[1]}] that do not fit its shape and element type");
        }
        return range;
    }

    private static Dictionary<string, Tensor> ReadTorchSave(FileStream stream, string path)
    {
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        }
        catch (NotImplementedException e) when (e.Message.Contains("entire model", StringComparison.Ordinal))
        {
            throw new WeightFileException(path,
                "it holds a whole pickled model, not a state dict. Save model.state_dict() instead.", e);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("no matching element", StringComparison.Ordinal))
        {
            throw new WeightFileException(path, "it is a zip archive without the data.pkl that torch.save writes.", e);
        }
        catch (PickleException e) when (CalledName(e) is { } name)
        {
            throw new WeightFileException(path,
                $"its pickle calls {name}, which no state dict does. Nothing was run; only tensors are read.", e);
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            throw new WeightFileException(path, $"it cannot be read as a state dict saved by torch.save ({e.Message})",
                e);
        }

        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var others = new List<string>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor tensor)
            {
                state[name] = tensor;
            }
            else
            {
                others.Add(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "?");
            }
        }
        if (others.Count > 0)
        {
            others.Sort(StringComparer.Ordinal);
            throw new WeightFileException(path,
                $"it holds a dictionary whose entries {string.Join(", ", others.Take(5).Select(o => $"'{o}'"))} " +
                "are not tensors, as in a training checkpoint. Save model.state_dict() alone.");
        }
        return state;
    }

    /// <summary>
    /// The Python function a pickle tried to call, from Razorvine's refusal to construct an unknown class with
    /// arguments ("… ClassDict (for os.system) …"); null for other failures.
    /// </summary>
    private static string? CalledName(PickleException e)
    {
        const string Marker = "ClassDict (for ";
        int start = e.Message.IndexOf(Marker, StringComparison.Ordinal);
        int end = start < 0 ? -1 : e.Message.IndexOf(')', start);
        return end < 0 ? null : e.Message[(start + Marker.Length)..end];
    }

    private static WeightFileException NotAWeightFile(string path) => new(path,
        "it is neither a safetensors file nor a state dict saved by torch.save. Save the weights with " +
        "torch.save(model.state_dict(), path) or safetensors.torch.save_file(model.state_dict(), path).");

    /// <summary>
    /// The exceptions PyBridge, Razorvine.Pickle, the zip reader and libtorch throw on a damaged or foreign file.
    /// </summary>
    private static bool IsReadFailure(Exception e) => e is InvalidDataException or EndOfStreamException
        or PickleException or NotImplementedException or InvalidCastException or InvalidOperationException
        or ArgumentException or IndexOutOfRangeException or KeyNotFoundException or NullReferenceException
        or FormatException or OverflowException or ExternalException or JsonException;
}
