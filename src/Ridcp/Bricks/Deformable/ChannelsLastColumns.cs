using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Ridcp.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>The evaluation of <see cref="ModulatedDeformConv"/> for inference on one channels-last image, float32 or
/// bf16 (the warp blocks, docs/precision.md): one pass per row chunk reads the map where it lies, blends the four
/// neighbours of every sample in float32 with float32 positions and weights (mask included), rounds once to the map's
/// type (bf16) and writes the im2col columns pixel-major, [rows*W_out, K*C_in] with column k*C_in + c, for one matmul
/// with the weight reordered to the same (k, c) order. In float32 it replaced grid_sample's path, which took a tenth
/// of a 16 MP image's time in its gathers alone (docs/benchmarks.md). Same semantics as <see cref="GridSampleColumns"/> (zero
/// outside the image, a sample counts only if -1 &lt; y &lt; H and -1 &lt; x &lt; W), whose grid_sample path did the
/// same work in five passes over float32 copies: the whole map converted to float32, the normalised grid stacked,
/// grid_sample's gathers across a strided map, the mask product, the conversion of the columns to bf16. Given mask
/// logits (the warp blocks' band path) it applies the sigmoid itself, in float32.</summary>
/// <remarks>Positions are the base position plus the offset in float32, without grid_sample's normalisation round
/// trip; the mask multiplies the four bilinear weights instead of the blended value. Both differ from the grid_sample
/// path only by float32 rounding, far below the bf16 rounding of the columns that both share.</remarks>
internal sealed unsafe class ChannelsLastColumns : IDeformColumns
{
    /// <summary>Channels blended per vector: 8 floats (AVX2 width), 8 values in and out.</summary>
    private const int Lanes = 8;

    private readonly DeformShape shape;
    private readonly DeformGeometry geometry;
    private readonly Tensor map;            // [1, H, W, C_in] bf16 or float32, a view of the input's memory
    private readonly Tensor weightColumns;  // [K*C_in, C_out] of the map's type: weight permuted to (k, c) rows

    public ChannelsLastColumns(Tensor input, Tensor weight, DeformGeometry geometry)
    {
        this.geometry = geometry;
        shape = geometry.Shape;
        map = input.permute(0, 2, 3, 1);
        weightColumns = weight.permute(2, 3, 1, 0).reshape(shape.KernelPoints * shape.InChannels, shape.OutChannels);
    }

    /// <summary>One bf16 or float32 image in channels-last order on the CPU, with a weight of its type, stride 1, whole
    /// vectors of channels per deformable group, and a map a Span can address (TorchSharp hands out its memory as one).</summary>
    public static bool Supports(Tensor input, Tensor weight, DeformGeometry geometry)
    {
        var s = geometry.Shape;
        return Avx2.IsSupported && Avx512F.VL.IsSupported && input.device_type == DeviceType.CPU &&
               input.dtype is ScalarType.BFloat16 or ScalarType.Float32 && weight.dtype == input.dtype &&
               s.Batch == 1 && ChannelsLast.Is(input) && geometry.Stride == 1 &&
               s.InChannels / geometry.Groups % Lanes == 0 && input.numel() * input.ElementSize <= int.MaxValue;   // TensorMemory.Address's Span
    }

    /// <summary>The columns of one output row: K*C_in values per pixel.</summary>
    public long BytesPerOutputRow => shape.OutWidth * shape.KernelPoints * shape.InChannels * map.ElementSize;

    public Tensor Convolve(Tensor offsetRows, Tensor maskRows, long r0, bool maskLogits)
    {
        using var scope = NewDisposeScope();
        long rows = offsetRows.shape[2], wOut = shape.OutWidth, columnCount = shape.KernelPoints * shape.InChannels;
        var offsets = Readable(offsetRows);
        var masks = Readable(maskRows);
        var columns = empty(rows * wOut, columnCount, map.dtype, map.device);

        var job = new Job(this, TensorMemory.Address(map), TensorMemory.Address(offsets), offsets.stride(), TensorMemory.Address(masks), masks.stride(),
                          offsets.dtype == ScalarType.BFloat16, masks.dtype == ScalarType.BFloat16, maskLogits, TensorMemory.Address(columns), r0);
        Action<long> row = map.dtype == ScalarType.BFloat16 ? job.Row<StoredBf16> : job.Row<StoredFloat32>;
        int threads = Math.Max(1, torch.get_num_threads());
        if (threads == 1 || rows == 1) for (long r = 0; r < rows; r++) row(r);
        else Parallel.For(0L, rows, new ParallelOptions { MaxDegreeOfParallelism = threads }, row);

        var output = columns.mm(weightColumns);                                          // [rows*W_out, C_out]
        return output.view(1, rows, wOut, shape.OutChannels).permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Offsets or masks as bf16 or float32 (anything else converted to float32, exactly for half).</summary>
    private static Tensor Readable(Tensor t) =>
        t.dtype is ScalarType.BFloat16 or ScalarType.Float32 ? t : t.to(ScalarType.Float32);


    /// <summary>The per-chunk state the row loop reads (a class, so Parallel.For can call <see cref="Row"/>).</summary>
    private sealed class Job(ChannelsLastColumns owner, byte* map, byte* offsets, long[] offsetStrides,
                             byte* masks, long[] maskStrides, bool bf16Offsets, bool bf16Masks, bool maskLogits,
                             byte* columns, long r0)
    {
        private readonly int groups = owner.geometry.Groups, kw = (int)owner.shape.KernelWidth;
        private readonly int k = (int)owner.shape.KernelPoints, c = (int)owner.shape.InChannels;
        private readonly long h = owner.shape.Height, w = owner.shape.Width, wOut = owner.shape.OutWidth;
        private readonly int pad = owner.geometry.Padding, dil = owner.geometry.Dilation;

        public void Row<T>(long r) where T : struct, IStoredFloat
        {
            // Locals, not fields: stores through the column pointer would make the JIT reload fields.
            int groups = this.groups, k = this.k, c = this.c, cg = c / groups, samples = groups * k;
            int padded = (samples + Vector512<float>.Count - 1) / Vector512<float>.Count * Vector512<float>.Count;
            long wOut = this.wOut;
            // Per sample s = g*K + k (offset channels 2s = dy and 2s + 1 = dx, mask channel s; ModulatedDeformConv):
            // its offsets and mask, then its four bilinear weights and the element offsets of its four neighbours.
            float* dy = stackalloc float[padded], dx = stackalloc float[padded], mask = stackalloc float[padded];
            float* weights = stackalloc float[4 * padded];
            int* corners = stackalloc int[4 * padded];
            float* kernelY = stackalloc float[padded], kernelX = stackalloc float[padded];   // i*dil, j*dil of k = i*kw + j
            for (int s = 0; s < padded; s++)
            {
                (dy[s], dx[s], mask[s]) = (0, 0, 0);
                (kernelY[s], kernelX[s]) = s < samples ? (s % k / kw * dil, s % k % kw * dil) : (0, 0);
            }
            var src = map;
            for (long ox = 0; ox < wOut; ox++)
            {
                LoadControls(dy, dx, mask, r, ox, samples);
                Weigh(dy, dx, mask, kernelY, kernelX, r0 + r - pad, ox - pad, padded, weights, corners);
                byte* pixel = columns + (r * wOut + ox) * (long)(k * c) * T.Size;
                for (int g = 0, s = 0; g < groups; g++)
                    for (int kp = 0; kp < k; kp++, s++)
                        Blend<T>(src + g * cg * T.Size, weights, corners, s, padded, cg, pixel + (kp * c + g * cg) * T.Size);
            }
        }

        /// <summary>dy, dx and mask (or its logit) of every sample of pixel (r, ox) as floats.</summary>
        private void LoadControls(float* dy, float* dx, float* mask, long r, long ox, int samples)
        {
            long offsetAt = r * offsetStrides[2] + ox * offsetStrides[3], offsetStep = offsetStrides[1];
            long maskAt = r * maskStrides[2] + ox * maskStrides[3], maskStep = maskStrides[1];
            if (bf16Offsets)
            {
                ushort* o = (ushort*)offsets + offsetAt;
                for (int s = 0; s < samples; s++) (dy[s], dx[s]) = (Float(o[2 * s * offsetStep]), Float(o[(2 * s + 1) * offsetStep]));
            }
            else
            {
                float* o = (float*)offsets + offsetAt;
                for (int s = 0; s < samples; s++) (dy[s], dx[s]) = (o[2 * s * offsetStep], o[(2 * s + 1) * offsetStep]);
            }
            if (bf16Masks)
            {
                ushort* m = (ushort*)masks + maskAt;
                for (int s = 0; s < samples; s++) mask[s] = Float(m[s * maskStep]);
            }
            else
            {
                float* m = (float*)masks + maskAt;
                for (int s = 0; s < samples; s++) mask[s] = m[s * maskStep];
            }
        }

        private static float Float(ushort bf16) => BitConverter.Int32BitsToSingle(bf16 << 16);

        /// <summary>The bilinear weights times the mask (the sigmoid of the logit, where logits were given) of the four neighbours (top-left, top-right, bottom-left,
        /// bottom-right) of every sample, 16 samples at a time, and their element offsets in the map. A neighbour
        /// outside the image gets weight 0 and an offset clamped into the image (its value is read and multiplied by
        /// 0), so that blending needs no branch; a sample outside -1 &lt; y &lt; H, -1 &lt; x &lt; W (or NaN) gets
        /// four zero weights.</summary>
        private void Weigh(float* dy, float* dx, float* mask, float* kernelY, float* kernelX, long rowY, long colX,
                           int padded, float* weights, int* corners)
        {
            var height = Vector512.Create((float)h);
            var width = Vector512.Create((float)w);
            var minusOne = Vector512.Create(-1f);
            var one = Vector512<float>.One;
            var lastRow = Vector512.Create((int)h - 1);
            var lastCol = Vector512.Create((int)w - 1);
            var rowStride = Vector512.Create((int)w * c);
            var pixelStride = Vector512.Create(c);
            var baseY = Vector512.Create((float)rowY);
            var baseX = Vector512.Create((float)colX);
            for (int s = 0; s < padded; s += Vector512<float>.Count)
            {
                var y = baseY + Vector512.Load(kernelY + s) + Vector512.Load(dy + s);
                var x = baseX + Vector512.Load(kernelX + s) + Vector512.Load(dx + s);
                var inside = Vector512.GreaterThan(y, minusOne) & Vector512.LessThan(y, height) &
                             Vector512.GreaterThan(x, minusOne) & Vector512.LessThan(x, width);   // false for NaN
                y = Vector512.ConditionalSelect(inside, y, Vector512<float>.Zero);
                x = Vector512.ConditionalSelect(inside, x, Vector512<float>.Zero);
                var m = Vector512.Load(mask + s);
                if (maskLogits) m = one / (one + Vector512.Exp(-m));   // sigmoid in float32
                m = Vector512.ConditionalSelect(inside, m, Vector512<float>.Zero);
                var fy = Vector512.Floor(y);
                var fx = Vector512.Floor(x);
                var ly = y - fy;
                var lx = x - fx;
                var hy = (one - ly) * m;
                ly *= m;
                var hx = one - lx;
                var top = Vector512.ConvertToInt32Native(fy);      // -1 .. H-1
                var left = Vector512.ConvertToInt32Native(fx);     // -1 .. W-1
                var bottom = top + Vector512<int>.One;
                var right = left + Vector512<int>.One;
                var topIn = Vector512.GreaterThanOrEqual(top, Vector512<int>.Zero).AsSingle();
                var bottomIn = Vector512.LessThanOrEqual(bottom, lastRow).AsSingle();
                var leftIn = Vector512.GreaterThanOrEqual(left, Vector512<int>.Zero).AsSingle();
                var rightIn = Vector512.LessThanOrEqual(right, lastCol).AsSingle();
                var topRow = Vector512.Max(top, Vector512<int>.Zero) * rowStride;
                var bottomRow = Vector512.Min(bottom, lastRow) * rowStride;
                var leftCol = Vector512.Max(left, Vector512<int>.Zero) * pixelStride;
                var rightCol = Vector512.Min(right, lastCol) * pixelStride;
                (hy * hx & topIn & leftIn).Store(weights + s);
                (hy * lx & topIn & rightIn).Store(weights + padded + s);
                (ly * hx & bottomIn & leftIn).Store(weights + 2 * padded + s);
                (ly * lx & bottomIn & rightIn).Store(weights + 3 * padded + s);
                (topRow + leftCol).Store(corners + s);
                (topRow + rightCol).Store(corners + padded + s);
                (bottomRow + leftCol).Store(corners + 2 * padded + s);
                (bottomRow + rightCol).Store(corners + 3 * padded + s);
            }
        }

        /// <summary>Sample s of the channels [0, cg) of <paramref name="src"/>'s map: the weighted sum of its four
        /// neighbours in float32, stored as T into destination.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Blend<T>(byte* src, float* weights, int* corners, int s, int padded, int cg, byte* destination) where T : struct, IStoredFloat
        {
            var w0 = Vector256.Create(weights[s]);
            var w1 = Vector256.Create(weights[padded + s]);
            var w2 = Vector256.Create(weights[2 * padded + s]);
            var w3 = Vector256.Create(weights[3 * padded + s]);
            int size = T.Size;
            byte* p0 = src + (long)corners[s] * size, p1 = src + (long)corners[padded + s] * size;
            byte* p2 = src + (long)corners[2 * padded + s] * size, p3 = src + (long)corners[3 * padded + s] * size;
            for (int v = 0; v < cg * size; v += Lanes * size)
            {
                var sum = T.Load8(p0 + v) * w0;
                sum = MultiplyAdd(T.Load8(p1 + v), w1, sum);
                sum = MultiplyAdd(T.Load8(p2 + v), w2, sum);
                sum = MultiplyAdd(T.Load8(p3 + v), w3, sum);
                T.Store8(destination + v, sum);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> MultiplyAdd(Vector256<float> value, Vector256<float> weight, Vector256<float> sum) =>
            Fma.IsSupported ? Fma.MultiplyAdd(value, weight, sum) : sum + value * weight;
    }
}
