using DlClassifier.Engine.Devices;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Tests.Devices;

[Collection("Native")]
public sealed class DeviceManagerTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("CPU")]
    [InlineData("  cpu ")]
    public void Resolve_Cpu_IsCpuWithoutWarning(string request)
    {
        Device device = DeviceManager.Resolve(request, out string? warning);

        Assert.Equal(DeviceType.CPU, device.type);
        Assert.Null(warning);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:3")]
    public void Resolve_CudaOnMachineWithoutCuda_FallsBackToCpuWithWarning(string request)
    {
        Assert.False(DeviceManager.CudaAvailable, "The test build uses the CPU-only libtorch.");

        Device device = DeviceManager.Resolve(request, out string? warning);

        Assert.Equal(DeviceType.CPU, device.type);
        Assert.NotNull(warning);
        Assert.Contains(request, warning);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("AUTO")]
    [InlineData(null)]
    public void Resolve_AutoOnMachineWithoutCuda_IsCpuSilently(string? request)
    {
        Device device = DeviceManager.Resolve(request, out string? warning);

        Assert.Equal(DeviceType.CPU, device.type);
        Assert.Null(warning);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:+1")]
    [InlineData("cuda 0")]
    [InlineData("cpu:0")]
    [InlineData("mps")]
    public void Resolve_UnknownRequest_ThrowsArgumentExceptionNamingIt(string request)
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceManager.Resolve(request, out _));

        Assert.Equal("request", error.ParamName);
        Assert.Contains($"'{request}'", error.Message);
    }

    [Theory]
    [InlineData("auto", true)]
    [InlineData("cpu", true)]
    [InlineData("Cpu", true)]
    [InlineData("cuda", true)]
    [InlineData("cuda:0", true)]
    [InlineData("cuda:12", true)]
    [InlineData(" CUDA:1 ", true)]
    [InlineData("gpu", false)]
    [InlineData("cuda:x", false)]
    [InlineData("cuda:", false)]
    [InlineData("cuda:-1", false)]
    [InlineData("cuda:1.0", false)]
    [InlineData("cuda:99999999999", false)]
    [InlineData("cpu:0", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidRequest_Request_AcceptsOnlyTheDocumentedForms(string? request, bool expected)
    {
        Assert.Equal(expected, DeviceManager.IsValidRequest(request));
    }

    [Fact]
    public void List_AnyMachine_StartsWithTheCpu()
    {
        IReadOnlyList<DlDevice> devices = DeviceManager.List();

        Assert.Equal(("cpu", "Cpu", 0), (devices[0].Name, devices[0].Kind, devices[0].Index));
        Assert.True(devices[0].Threads >= 1);
    }
}
