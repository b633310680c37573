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
}
