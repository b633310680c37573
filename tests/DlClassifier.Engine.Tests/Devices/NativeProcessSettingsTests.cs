using DlClassifier.Engine.Devices;
using Xunit;

namespace DlClassifier.Engine.Tests.Devices;

[Collection("Native")]
public sealed class NativeProcessSettingsTests
{
    [Fact]
    public void Decide_NothingSet_SetsBoth()
    {
        Assert.Equal((true, true), NativeProcessSettings.Decide(_ => null));
    }

    [Theory]
    [InlineData("OMP_WAIT_POLICY", "PASSIVE", false, true)]
    [InlineData("GOMP_SPINCOUNT", "0", false, true)]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "131072", true, false)]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "131072", true, false)]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=4096", true, false)]
    [InlineData("GLIBC_TUNABLES", "glibc.rtld.nns=2", true, true)]
    public void Decide_UserSetting_IsLeftAlone(string name, string value, bool spinCount, bool allocator)
    {
        Assert.Equal((spinCount, allocator), NativeProcessSettings.Decide(n => n == name ? value : null));
    }

    [Fact]
    public void EnsureInitialized_SetsTheSpinCountWhereLibgompReadsIt()
    {
        DeviceManager.EnsureInitialized();
        bool userChose = !NativeProcessSettings.Decide(Environment.GetEnvironmentVariable).SetSpinCount;
        if (!OperatingSystem.IsLinux() || userChose)
        {
            return;
        }

        Assert.Equal(NativeProcessSettings.SpinCount, NativeProcessSettings.NativeVariable("GOMP_SPINCOUNT"));
        Assert.Contains($"GOMP_SPINCOUNT={NativeProcessSettings.SpinCount}", NativeProcessSettings.Applied);
    }
}
