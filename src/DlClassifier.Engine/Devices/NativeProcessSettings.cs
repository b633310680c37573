using System.Runtime.InteropServices;

namespace DlClassifier.Engine.Devices;

/// <summary>
/// Settings of the C runtime that libtorch lives in, made once before libtorch loads: how long idle OpenMP threads
/// spin, and when glibc's allocator hands large blocks back to the kernel. Each is left alone when the user set it.
/// </summary>
/// <remarks>
/// Both must be set in the native process environment or through the C library itself: on Unix,
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only .NET's own copy of the environment,
/// which libgomp never reads.
/// </remarks>
internal static class NativeProcessSettings
{
    /// <summary>
    /// How long an idle OpenMP thread spins before it sleeps: a tenth of libgomp's default, tens of microseconds.
    /// </summary>
    internal const string SpinCount = "30000";

    /// <summary>Blocks up to this size come from the heap rather than from a mapping of their own.</summary>
    internal const int MmapThresholdBytes = 128 << 20;

    /// <summary>Free memory at the top of the heap is returned to the kernel only beyond this size.</summary>
    internal const int TrimThresholdBytes = 256 << 20;

    /// <summary>Extra room asked of the kernel whenever a heap grows; untouched, it costs address space only.</summary>
    internal const int TopPadBytes = 64 << 20;

    private const int MallocTrimThreshold = -1;
    private const int MallocTopPad = -2;
    private const int MallocMmapThreshold = -3;

    /// <summary>What <see cref="Apply"/> changed, for the verbose stream and the device list.</summary>
    public static IReadOnlyList<string> Applied { get; private set; } = Array.Empty<string>();

    /// <summary>
    /// The settings to make for an environment: none of OMP_WAIT_POLICY or GOMP_SPINCOUNT set means the spin
    /// count; none of MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or a glibc.malloc tunable means the
    /// allocator thresholds.
    /// </summary>
    internal static (bool SetSpinCount, bool SetAllocatorThresholds) Decide(Func<string, string?> environment)
    {
        bool userThreads = environment("OMP_WAIT_POLICY") is not null || environment("GOMP_SPINCOUNT") is not null;
        bool userAllocator = environment("MALLOC_MMAP_THRESHOLD_") is not null
            || environment("MALLOC_TRIM_THRESHOLD_") is not null
            || (environment("GLIBC_TUNABLES") ?? "").Contains("glibc.malloc.", StringComparison.Ordinal);
        return (!userThreads, !userAllocator);
    }

    /// <summary>
    /// Makes the settings on Linux with glibc; elsewhere it does nothing. Must run before libtorch loads.
    /// </summary>
    /// <remarks>
    /// Without the thresholds glibc maps every tensor above 32 MB (and, after it trims the heap, smaller ones) fresh
    /// from the kernel and unmaps it when freed, so each batch pays page faults for memory it had a moment ago: a
    /// quarter of the CPU time went to the kernel when training the small Fashion-MNIST network, and batched
    /// inference ran at half speed. The price is that up to <see cref="TrimThresholdBytes"/> of freed memory stays
    /// with the process.
    /// </remarks>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        (bool setSpinCount, bool setAllocatorThresholds) = Decide(Environment.GetEnvironmentVariable);
        var applied = new List<string>();
        try
        {
            if (setSpinCount && Native.setenv("GOMP_SPINCOUNT", SpinCount, 0) == 0)
            {
                Environment.SetEnvironmentVariable("GOMP_SPINCOUNT", SpinCount);
                applied.Add($"GOMP_SPINCOUNT={SpinCount}");
            }
            if (setAllocatorThresholds && IsGlibc()
                && Native.mallopt(MallocMmapThreshold, MmapThresholdBytes) == 1
                && Native.mallopt(MallocTrimThreshold, TrimThresholdBytes) == 1
                && Native.mallopt(MallocTopPad, TopPadBytes) == 1)
            {
                applied.Add($"malloc mmap threshold {MmapThresholdBytes >> 20} MB, trim threshold " +
                            $"{TrimThresholdBytes >> 20} MB");
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library without these calls keeps its own behaviour; nothing else depends on them.
        }
        Applied = applied;
    }

    /// <summary>The value of a variable in the native process environment, which libgomp reads.</summary>
    internal static string? NativeVariable(string name) => Marshal.PtrToStringAnsi(Native.getenv(name));

    private static bool IsGlibc()
    {
        try
        {
            return Native.gnu_get_libc_version() != IntPtr.Zero;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static class Native
    {
        [DllImport("libc", CharSet = CharSet.Ansi)]
        public static extern int setenv(string name, string value, int overwrite);

        [DllImport("libc", CharSet = CharSet.Ansi)]
        public static extern IntPtr getenv(string name);

        [DllImport("libc")]
        public static extern int mallopt(int parameter, int value);

        [DllImport("libc")]
        public static extern IntPtr gnu_get_libc_version();
    }
}
