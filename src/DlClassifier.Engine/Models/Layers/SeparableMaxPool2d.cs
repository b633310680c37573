using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DlClassifier.Engine.Models.Layers;

/// <summary>
/// Max pooling over square windows, the result of <c>MaxPool2d(kernel, stride, padding)</c> bit for bit (floor
/// mode: a last, partial window is dropped). Without gradients the maximum is taken first across the columns of
/// each window and then across its rows, each as element-wise maxima of strided views; with gradients it is
/// libtorch's max_pool2d.
/// </summary>
/// <remarks>
/// libtorch's max_pool2d kernel for batch × channel × height × width tensors visits every window on its own; the
/// strided maxima let it vectorise, and the split into columns and rows reads each value fewer times. Measured on
/// 2 threads: the compact CNN's 2×2 pooling made half of the Fashion-MNIST network's forward pass at batch 256,
/// which then ran 2.6 times as fast; ResNet's 3×3 stem pooling at 64×112×112 took 2.8 ms against 0.4 ms for one
/// image and 96 ms against 18 ms for 32. Training keeps max_pool2d: its backward pass is faster than that of the
/// maxima, and it gives a tied window's gradient to one element, as PyTorch's networks expect.
/// </remarks>
public sealed class SeparableMaxPool2d : Module<Tensor, Tensor>
{
    public SeparableMaxPool2d(int kernelSize, int stride, int padding = 0) : base(nameof(SeparableMaxPool2d))
    {
        if (kernelSize < 1 || stride < 1 || padding < 0 || 2 * padding > kernelSize)
        {
            throw new ArgumentException(
                $"Max pooling needs a kernel and stride of at least 1 and a padding of at most half the kernel, not " +
                $"kernel {kernelSize}, stride {stride}, padding {padding}.");
        }
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
    }

    public int KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4)
        {
            throw new ArgumentException(
                $"Max pooling takes batch × channels × height × width, not {input.dim()} dimensions.",
                nameof(input));
        }
        if (input.requires_grad && is_grad_enabled())
        {
            return functional.max_pool2d(input, KernelSize, Stride, Padding);
        }
        if (Math.Min(input.shape[2], input.shape[3]) + 2 * Padding < KernelSize)
        {
            throw new ArgumentException(
                $"An input of {input.shape[2]}×{input.shape[3]} is smaller than the {KernelSize}×{KernelSize} " +
                "window.",
                nameof(input));
        }
        long outputHeight = OutputSize(input.shape[2]), outputWidth = OutputSize(input.shape[3]);
        using var scope = NewDisposeScope();
        Tensor padded = Padding == 0
            ? input
            : functional.pad(input, new long[] { Padding, Padding, Padding, Padding }, PaddingModes.Constant,
                double.NegativeInfinity);
        Tensor columns = WindowMaximum(padded, 3, outputWidth);
        return WindowMaximum(columns, 2, outputHeight).MoveToOuterDisposeScope();
    }

    private long OutputSize(long size) => (size + 2 * Padding - KernelSize) / Stride + 1;

    /// <summary>The maximum over each window along one dimension, windows <see cref="Stride"/> apart.</summary>
    private Tensor WindowMaximum(Tensor input, int dimension, long outputSize)
    {
        long span = Stride * (outputSize - 1) + 1;
        Tensor? maximum = null;
        for (int offset = 0; offset < KernelSize; offset++)
        {
            Tensor view = input.slice(dimension, offset, offset + span, Stride);
            maximum = maximum is null ? view : torch.maximum(maximum, view);
        }
        return maximum!;
    }
}
