using TorchSharp;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Devices;

/// <summary>A device the engine can compute on.</summary>
public sealed record DlDevice(string Name, string Kind, int Index, string Description, long? MemoryBytes, int? Threads);

/// <summary>
/// Decides once where tensors live and sets up libtorch's process-wide state (threads, OpenMP waiting).
/// Every other part of the engine asks here instead of choosing a device itself.
/// </summary>
public static class DeviceManager
{
    private static readonly object Gate = new();
    private static bool initialized;

    /// <summary>
    /// Loads libtorch on first use, after <see cref="NativeProcessSettings.Apply"/> has set how OpenMP threads wait
    /// and how the C allocator keeps large blocks: both are read when the native libraries start.
    /// </summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (initialized)
            {
                return;
            }
            NativeProcessSettings.Apply();
            torch.InitializeDeviceType(DeviceType.CPU);
            initialized = true;
        }
    }

    /// <summary>True when libtorch was built with CUDA and sees at least one device.</summary>
    public static bool CudaAvailable
    {
        get
        {
            EnsureInitialized();
            try
            {
                return torch.cuda.is_available();
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or DllNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Turns a device request (auto, cpu, cuda, cuda:N) into a device. A CUDA request on a machine without
    /// CUDA falls back to the CPU and says so through <paramref name="warning"/>; auto falls back silently.
    /// </summary>
    /// <exception cref="ArgumentException">The request is not one of the accepted forms.</exception>
    public static Device Resolve(string? request, out string? warning)
    {
        EnsureInitialized();
        warning = null;
        string text = (request ?? "auto").Trim().ToLowerInvariant();
        if (text is "auto" or "")
        {
            return CudaAvailable ? new Device(DeviceType.CUDA, 0) : CPU;
        }
        if (text == "cpu")
        {
            return CPU;
        }
        if (!TryParseCuda(text, out int index))
        {
            throw new ArgumentException(
                $"'{request}' is not a device. Use auto, cpu, cuda or cuda:N (N = device number).", nameof(request));
        }
        if (!CudaAvailable)
        {
            warning = $"Device '{request}' was asked for, but no CUDA device is available; using the CPU.";
            return CPU;
        }
        int count = torch.cuda.device_count();
        if (index >= count)
        {
            warning = $"Device '{request}' does not exist ({count} CUDA device(s)); using cuda:0.";
            index = 0;
        }
        return new Device(DeviceType.CUDA, index);
    }

    /// <summary>Checks the form of a device request without touching libtorch.</summary>
    public static bool IsValidRequest(string? request)
    {
        string text = (request ?? "").Trim().ToLowerInvariant();
        return text is "auto" or "cpu" || TryParseCuda(text, out _);
    }

    /// <summary>The devices the engine can use on this machine.</summary>
    public static IReadOnlyList<DlDevice> List()
    {
        EnsureInitialized();
        var devices = new List<DlDevice>
        {
            new("cpu", "Cpu", 0, $"{Environment.ProcessorCount} logical processors", null, torch.get_num_threads()),
        };
        if (CudaAvailable)
        {
            // TorchSharp 0.107 binds no call for a CUDA device's name or memory (torch.cuda offers only
            // is_available, device_count, manual_seed and synchronize), so the list shows neither; MemoryBytes
            // stays null until a binding exists.
            for (int i = 0; i < torch.cuda.device_count(); i++)
            {
                devices.Add(new DlDevice($"cuda:{i}", "Cuda", i, $"CUDA device {i}", null, null));
            }
        }
        return devices;
    }

    /// <summary>Sets how many threads libtorch uses for CPU work (process-wide).</summary>
    public static void SetThreads(int threads)
    {
        EnsureInitialized();
        int wanted = threads > 0 ? threads : Environment.ProcessorCount;
        if (torch.get_num_threads() != wanted)
        {
            torch.set_num_threads(wanted);
        }
    }

    private static bool TryParseCuda(string text, out int index)
    {
        index = 0;
        if (text == "cuda")
        {
            return true;
        }
        return text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
