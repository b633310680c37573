namespace DlClassifier.Engine.Models;

/// <summary>The networks a classifier can be built on.</summary>
public enum NetworkArchitecture
{
    /// <summary>A small convolutional network that trains quickly on the CPU; at least 8×8 pixels.</summary>
    CompactCnn,

    /// <summary>ResNet-18 with torchvision's layout; at least 32×32 pixels.</summary>
    ResNet18,

    /// <summary>ResNet-50 (bottleneck blocks) with torchvision's layout; at least 32×32 pixels.</summary>
    ResNet50,

    /// <summary>MobileNetV2 at width 1.0 with torchvision's layout; at least 32×32 pixels.</summary>
    MobileNetV2,

    /// <summary>
    /// The ResNet-18 that ML.NET ships with ImageNet weights, exported from CNTK: torchvision's layout, but with
    /// three residual blocks in the last stage instead of two, so torchvision's weights do not fit it nor its
    /// weights torchvision's. It takes 224×224 colour images; other images are resized and grey ones repeated
    /// into three channels when read. See <see cref="CntkResNet18Weights"/>.
    /// </summary>
    CntkResNet18,
}
