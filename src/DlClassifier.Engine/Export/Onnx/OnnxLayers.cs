using DlClassifier.Engine.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DlClassifier.Engine.Export.Onnx;

/// <summary>
/// One writer per layer kind: each appends the ONNX nodes that compute what the TorchSharp layer computes in
/// evaluation mode, and returns the output with its size. The sizes follow PyTorch's formulas, so a graph
/// description knows every feature map's size without running the network.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>A 2-D convolution with or without bias, any stride, padding, dilation and group count.</summary>
    /// <exception cref="NotSupportedException">The convolution pads with something other than zeros, or by a
    /// rule ("same") rather than explicit sizes.</exception>
    public static OnnxFeatureMap Conv(OnnxGraphBuilder builder, OnnxFeatureMap input, Conv2d convolution,
        string name)
    {
        if (convolution.padding_mode != TorchSharp.PaddingModes.Zeros || convolution.padding_type is not null)
        {
            throw new NotSupportedException(
                $"The convolution '{name}' pads by {convolution.padding_mode}/{convolution.padding_type}; " +
                "ONNX export writes zero padding of explicit sizes only.");
        }
        long[] kernel = convolution.kernel_size, stride = convolution.stride, dilation = convolution.dilation;
        long[] padding = convolution.padding ?? new long[] { 0, 0 };
        var inputs = new List<string> { input.Name, builder.AddInitializer($"{name}.weight", convolution.weight) };
        if (convolution.bias is { } bias)
        {
            inputs.Add(builder.AddInitializer($"{name}.bias", bias));
        }
        string output = builder.AddNode("Conv", name, inputs,
            OnnxGraphBuilder.Ints("kernel_shape", kernel),
            OnnxGraphBuilder.Ints("strides", stride),
            OnnxGraphBuilder.Ints("pads", new[] { padding[0], padding[1], padding[0], padding[1] }),
            OnnxGraphBuilder.Ints("dilations", dilation),
            OnnxGraphBuilder.Int("group", convolution.groups));
        return new OnnxFeatureMap(output, convolution.out_channels,
            OutputSize(input.Height, kernel[0], stride[0], padding[0], dilation[0], ceilMode: false),
            OutputSize(input.Width, kernel[1], stride[1], padding[1], dilation[1], ceilMode: false));
    }

    /// <summary>Batch normalisation on its running statistics (BatchNormalization in inference form).</summary>
    public static OnnxFeatureMap BatchNorm(OnnxGraphBuilder builder, OnnxFeatureMap input, BatchNorm2d norm,
        string name)
    {
        if (norm.running_mean is null || norm.running_var is null)
        {
            throw new NotSupportedException(
                $"The batch norm '{name}' keeps no running statistics; ONNX export needs them.");
        }
        long channels = norm.num_features;
        string scale = norm.weight is { } weight
            ? builder.AddInitializer($"{name}.weight", weight)
            : builder.AddInitializer($"{name}.weight", Enumerable.Repeat(1f, (int)channels).ToArray(), channels);
        string shift = norm.bias is { } bias
            ? builder.AddInitializer($"{name}.bias", bias)
            : builder.AddInitializer($"{name}.bias", new float[channels], channels);
        string output = builder.AddNode("BatchNormalization", name,
            new[]
            {
                input.Name, scale, shift,
                builder.AddInitializer($"{name}.running_mean", norm.running_mean),
                builder.AddInitializer($"{name}.running_var", norm.running_var),
            },
            OnnxGraphBuilder.Float("epsilon", (float)norm.eps));
        return input with { Name = output };
    }

    public static OnnxFeatureMap Relu(OnnxGraphBuilder builder, OnnxFeatureMap input, string name) =>
        input with { Name = builder.AddNode("Relu", name, new[] { input.Name }) };

    /// <summary>ReLU6, min(max(x, 0), 6), as Clip with its bounds as inputs (opset 11 and later).</summary>
    public static OnnxFeatureMap Relu6(OnnxGraphBuilder builder, OnnxFeatureMap input, string name)
    {
        string low = builder.AddInitializer($"{name}.min", new[] { 0f });
        string high = builder.AddInitializer($"{name}.max", new[] { 6f });
        return input with { Name = builder.AddNode("Clip", name, new[] { input.Name, low, high }) };
    }

    public static OnnxFeatureMap MaxPool(OnnxGraphBuilder builder, OnnxFeatureMap input, MaxPool2d pool,
        string name)
    {
        long[] kernel = Pair(pool.kernel_size, 1);
        long[] stride = pool.stride is { Length: > 0 } ? Pair(pool.stride, 1) : kernel;
        return MaxPool(builder, input, kernel, stride, Pair(pool.padding, 0), Pair(pool.dilation, 1), pool.ceil_mode,
            name);
    }

    /// <summary>
    /// The engine's own max pooling: MaxPool with the same kernel, stride and padding, in floor mode.
    /// </summary>
    public static OnnxFeatureMap MaxPool(OnnxGraphBuilder builder, OnnxFeatureMap input, SeparableMaxPool2d pool,
        string name) =>
        MaxPool(builder, input, new long[] { pool.KernelSize, pool.KernelSize },
            new long[] { pool.Stride, pool.Stride }, new long[] { pool.Padding, pool.Padding }, new long[] { 1, 1 },
            ceilMode: false, name);

    private static OnnxFeatureMap MaxPool(OnnxGraphBuilder builder, OnnxFeatureMap input, long[] kernel,
        long[] stride, long[] padding, long[] dilation, bool ceilMode, string name)
    {
        string output = builder.AddNode("MaxPool", name, new[] { input.Name },
            OnnxGraphBuilder.Ints("kernel_shape", kernel),
            OnnxGraphBuilder.Ints("strides", stride),
            OnnxGraphBuilder.Ints("pads", new[] { padding[0], padding[1], padding[0], padding[1] }),
            OnnxGraphBuilder.Ints("dilations", dilation),
            OnnxGraphBuilder.Int("ceil_mode", ceilMode ? 1 : 0));
        return input with
        {
            Name = output,
            Height = OutputSize(input.Height, kernel[0], stride[0], padding[0], dilation[0], ceilMode),
            Width = OutputSize(input.Width, kernel[1], stride[1], padding[1], dilation[1], ceilMode),
        };
    }

    /// <summary>
    /// Adaptive average pooling to a <paramref name="height"/> × <paramref name="width"/> grid, as
    /// <c>adaptive_avg_pool2d</c> computes it.
    /// </summary>
    /// <remarks>
    /// PyTorch averages output cell i over input rows floor(i·n/m) to ceil((i+1)·n/m) − 1 for n input and m output
    /// rows. A grid of 1×1 is GlobalAveragePool. When each output side divides the input side the windows are
    /// equal and do not overlap, which is AveragePool with kernel and stride n/m. Otherwise the windows differ in
    /// size and may overlap, which no ONNX pooling operator expresses: the average is then written as two matrix
    /// products, rows · X · columnsᵀ, with constant averaging matrices (exact, at the cost of a dense product).
    /// </remarks>
    public static OnnxFeatureMap AdaptiveAveragePool(OnnxGraphBuilder builder, OnnxFeatureMap input, long height,
        long width, string name)
    {
        if (height == 1 && width == 1)
        {
            return input with
            {
                Name = builder.AddNode("GlobalAveragePool", name, new[] { input.Name }), Height = 1, Width = 1,
            };
        }
        if (height == input.Height && width == input.Width)
        {
            return input;
        }
        if (input.Height % height == 0 && input.Width % width == 0)
        {
            long[] window = { input.Height / height, input.Width / width };
            string pooled = builder.AddNode("AveragePool", name, new[] { input.Name },
                OnnxGraphBuilder.Ints("kernel_shape", window), OnnxGraphBuilder.Ints("strides", window));
            return input with { Name = pooled, Height = height, Width = width };
        }

        // X (N×C×H×W) · Cᵀ (W×w) gives N×C×H×w; R (h×H) · that, broadcast over N and C, gives N×C×h×w.
        string columns = builder.AddInitializer($"{name}.columns",
            Transpose(AveragingMatrix(input.Width, width), width, input.Width), input.Width, width);
        string rows = builder.AddInitializer($"{name}.rows", AveragingMatrix(input.Height, height), height,
            input.Height);
        string narrowed = builder.AddNode("MatMul", $"{name}_columns", new[] { input.Name, columns });
        string output = builder.AddNode("MatMul", name, new[] { rows, narrowed });
        return input with { Name = output, Height = height, Width = width };
    }

    public static OnnxFeatureMap Add(OnnxGraphBuilder builder, OnnxFeatureMap left, OnnxFeatureMap right,
        string name)
    {
        if ((left.Channels, left.Height, left.Width) != (right.Channels, right.Height, right.Width))
        {
            throw new ArgumentException(
                $"'{name}' adds {left.Channels}×{left.Height}×{left.Width} to " +
                $"{right.Channels}×{right.Height}×{right.Width}; the shapes must match.", nameof(right));
        }
        return left with { Name = builder.AddNode("Add", name, new[] { left.Name, right.Name }) };
    }

    /// <summary>Flattens N×C×H×W into N×(C·H·W) in PyTorch's order (channel slowest); returns its name.</summary>
    public static string Flatten(OnnxGraphBuilder builder, OnnxFeatureMap input, string name) =>
        builder.AddNode("Flatten", name, new[] { input.Name }, OnnxGraphBuilder.Int("axis", 1));

    /// <summary>A linear layer, x·Wᵀ + b, as Gemm with the weight transposed in the operator.</summary>
    public static string Gemm(OnnxGraphBuilder builder, string input, Linear linear, string name)
    {
        var inputs = new List<string> { input, builder.AddInitializer($"{name}.weight", linear.weight) };
        if (linear.bias is { } bias)
        {
            inputs.Add(builder.AddInitializer($"{name}.bias", bias));
        }
        return builder.AddNode("Gemm", name, inputs, OnnxGraphBuilder.Int("transB", 1));
    }

    /// <summary>(x − mean) / std per channel for N×C×H×W input.</summary>
    public static OnnxFeatureMap Normalize(OnnxGraphBuilder builder, OnnxFeatureMap input, float[] mean,
        float[] std, string name)
    {
        if (mean.Length != input.Channels || std.Length != input.Channels)
        {
            throw new ArgumentException(
                $"The normalisation has {mean.Length} means and {std.Length} deviations for {input.Channels} " +
                "channels.", nameof(mean));
        }
        string meanName = builder.AddInitializer($"{name}.mean", mean, 1, mean.Length, 1, 1);
        string stdName = builder.AddInitializer($"{name}.std", std, 1, std.Length, 1, 1);
        string centred = builder.AddNode("Sub", $"{name}_centred", new[] { input.Name, meanName });
        return input with { Name = builder.AddNode("Div", name, new[] { centred, stdName }) };
    }

    /// <summary>
    /// Turns RGB input in 0..1 into BGR on the 0..255 scale minus a mean image (one value per channel and pixel,
    /// C×H×W in BGR order), the input of networks ported from Caffe or CNTK.
    /// </summary>
    public static OnnxFeatureMap BgrMeanImage(OnnxGraphBuilder builder, OnnxFeatureMap input, float[] meanImage,
        string name)
    {
        long size = input.Channels * input.Height * input.Width;
        if (meanImage.Length != size)
        {
            throw new ArgumentException(
                $"The mean image has {meanImage.Length} values for input of {input.Channels}×{input.Height}×" +
                $"{input.Width} ({size}).", nameof(meanImage));
        }
        long[] reversed = Enumerable.Range(0, (int)input.Channels).Select(c => input.Channels - 1 - c).ToArray();
        string order = builder.AddInt64Initializer($"{name}.channel_order", reversed);
        string bgr = builder.AddNode("Gather", $"{name}_bgr", new[] { input.Name, order },
            OnnxGraphBuilder.Int("axis", 1));
        string scale = builder.AddInitializer($"{name}.scale", new[] { 255f });
        string scaled = builder.AddNode("Mul", $"{name}_scaled", new[] { bgr, scale });
        string mean = builder.AddInitializer($"{name}.mean_image", meanImage, 1, input.Channels, input.Height,
            input.Width);
        return input with { Name = builder.AddNode("Sub", name, new[] { scaled, mean }) };
    }

    /// <summary>softmax(x / temperature) over the class axis of N×K scores.</summary>
    public static string Softmax(OnnxGraphBuilder builder, string logits, double temperature, string name)
    {
        string divisor = builder.AddInitializer($"{name}.temperature", new[] { (float)temperature });
        string scaled = builder.AddNode("Div", $"{name}_scaled", new[] { logits, divisor });
        return builder.AddNode("Softmax", name, new[] { scaled }, OnnxGraphBuilder.Int("axis", 1));
    }

    /// <summary>The output side of a convolution or pooling window, as PyTorch computes it.</summary>
    public static long OutputSize(long input, long kernel, long stride, long padding, long dilation, bool ceilMode)
    {
        long span = input + 2 * padding - dilation * (kernel - 1) - 1;
        if (!ceilMode)
        {
            return span / stride + 1;
        }

        // With ceil mode the last window must still start inside the input or its left padding.
        long size = (span + stride - 1) / stride + 1;
        return (size - 1) * stride >= input + padding ? size - 1 : size;
    }

    /// <summary>The m×n matrix whose row i averages input positions floor(i·n/m) to ceil((i+1)·n/m) − 1.</summary>
    public static float[] AveragingMatrix(long inputSize, long outputSize)
    {
        var matrix = new float[outputSize * inputSize];
        for (long i = 0; i < outputSize; i++)
        {
            long start = i * inputSize / outputSize;
            long end = ((i + 1) * inputSize + outputSize - 1) / outputSize;
            for (long j = start; j < end; j++)
            {
                matrix[i * inputSize + j] = 1f / (end - start);
            }
        }
        return matrix;
    }

    private static float[] Transpose(float[] matrix, long rows, long columns)
    {
        var transposed = new float[matrix.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < columns; c++)
            {
                transposed[c * rows + r] = matrix[r * columns + c];
            }
        }
        return transposed;
    }

    /// <summary>A pooling size given as one value or two, as two values.</summary>
    private static long[] Pair(long[]? values, long fallback) => values switch
    {
        null or { Length: 0 } => new[] { fallback, fallback },
        { Length: 1 } => new[] { values[0], values[0] },
        _ => values,
    };
}
