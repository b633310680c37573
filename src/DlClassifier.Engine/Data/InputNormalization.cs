namespace DlClassifier.Engine.Data;

/// <summary>
/// How the 0 to 1 pixel values that <see cref="ImageReader"/> reads become the network's input. The classifier
/// holds its normalisation and applies it in one place, so training, evaluation, heatmaps and inference all
/// feed the network alike.
/// </summary>
public enum InputNormalization
{
    /// <summary>
    /// Per channel, (value − mean) / standard deviation, with the mean and deviation measured on the training
    /// images of the first training. Networks trained from scratch use it.
    /// </summary>
    ChannelStatistics,

    /// <summary>
    /// What the pretrained <see cref="Models.NetworkArchitecture.CntkResNet18"/> was trained on: values on the
    /// 0 to 255 scale, channels in blue, green, red order, minus a mean image of ImageNet (one value per pixel
    /// and channel, held by the classifier), with no division. Grey images are read as three equal channels.
    /// </summary>
    BgrMeanImage,
}
