using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Neighborhood;

/// <summary>2-D neighborhood attention with relative position bias, as NATTEN ≤ 0.17's NeighborhoodAttention2D
/// (natten/natten2d.py, v0.14.6) defines it, on channel-last maps [B, H, W, C]: qkv = Linear(C, 3C) split as
/// [3, heads, C/heads]; q scaled by (C/heads)^-0.5; each query (i, j) attends to the k×k keys at rows
/// ws(i) + a·d and columns ws(j) + b·d (<see cref="NeighborhoodWindows"/>) with logits q·key + rpb[h, pb(i)+a, pb(j)+b];
/// softmax over the k² logits; proj = Linear(C, C). An input smaller than k·d on a side is zero-padded at the
/// bottom/right to k·d and cropped back, as the NATTEN module does. Field names are NATTEN's (qkv, rpb, proj).</summary>
/// <remarks>No fused kernel here: the neighbourhoods are gathered with index_select and reduced with batched matmuls,
/// a band of query rows at a time so that the gathered keys and values (k² copies of the band) stay under
/// <see cref="BandBytes"/>. That costs k² times the memory traffic of a fused kernel (see `ridcp bench attention`).</remarks>
public sealed class NeighborhoodAttention2D : nn.Module<Tensor, Tensor>
{
    /// <summary>Default budget of one band's gathered keys (the values take as much again), in bytes.</summary>
    public const long DefaultBandBytes = 64L << 20;

    /// <summary>Budget of one band's gathered keys; the band is at least one query row.</summary>
    public long BandBytes { get; set; } = DefaultBandBytes;

    private readonly Linear qkv;
    private Parameter rpb;   // not readonly: Module.to() replaces tensor fields
    private readonly Linear proj;

    public int NumHeads { get; }
    public int KernelSize { get; }
    public int Dilation { get; }

    public NeighborhoodAttention2D(int dim, int numHeads, int kernelSize, int dilation = 1) : base(nameof(NeighborhoodAttention2D))
    {
        if (kernelSize < 1 || kernelSize % 2 == 0) throw new ArgumentException($"neighbourhood kernel size must be odd and positive, got {kernelSize}");
        if (dilation < 1) throw new ArgumentException($"dilation must be at least 1, got {dilation}");
        if (dim % numHeads != 0) throw new ArgumentException($"dimension {dim} is not divisible by {numHeads} heads");
        NumHeads = numHeads; KernelSize = kernelSize; Dilation = dilation;
        qkv = nn.Linear(dim, dim * 3);
        // NATTEN: rpb = Parameter(zeros(heads, 2k-1, 2k-1)), then trunc_normal_(std=.02).
        rpb = new Parameter(nn.init.trunc_normal_(empty(numHeads, 2 * kernelSize - 1, 2 * kernelSize - 1), std: 0.02));
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>x: [B, H, W, C] → [B, H, W, C].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], h0 = x.shape[1], w0 = x.shape[2], c = x.shape[3];
        int k = KernelSize, d = Dilation, span = k * d;
        long hp = Math.Max(h0, span), wp = Math.Max(w0, span);
        if (hp != h0 || wp != w0) x = nn.functional.pad(x, [0, 0, 0, wp - w0, 0, hp - h0]);   // zeros bottom/right
        int H = (int)hp, W = (int)wp, heads = NumHeads;
        long hd = c / heads;

        var qkvMap = qkv.forward(x).view(b, H, W, 3, heads, hd).permute(3, 0, 4, 1, 2, 5);    // [3, B, h, H, W, hd]
        var q = qkvMap[0] * Math.Pow(hd, -0.5);
        var keys = qkvMap[1];
        var values = qkvMap[2];

        var colKeys = tensor(NeighborhoodWindows.KeyIndices(0, W, W, k, d), device: x.device);   // [W·k]
        var colBias = tensor(NeighborhoodWindows.BiasIndices(0, W, W, k, d), device: x.device);
        var biasCols = rpb.index_select(2, colBias);                                                // [h, 2k-1, W·k]

        long perRow = Math.Max(1, b * heads * W * (long)k * k * hd * x.element_size());
        int band = (int)Math.Clamp(BandBytes / perRow, 1, H);
        var outputs = new List<Tensor>();
        for (int r0 = 0; r0 < H; r0 += band)
        {
            int rows = Math.Min(band, H - r0);
            var rowKeys = tensor(NeighborhoodWindows.KeyIndices(r0, rows, H, k, d), device: x.device);   // [rows·k]
            var rowBias = tensor(NeighborhoodWindows.BiasIndices(r0, rows, H, k, d), device: x.device);
            var kb = Neighbourhoods(keys, rowKeys, colKeys, rows, W, k);                            // [B, h, rows, W, k², hd]
            var vb = Neighbourhoods(values, rowKeys, colKeys, rows, W, k);
            var qb = q.narrow(2, r0, rows).unsqueeze(-2);                                           // [B, h, rows, W, 1, hd]
            var bias = biasCols.index_select(1, rowBias).view(heads, rows, k, W, k)
                               .permute(0, 1, 3, 2, 4).reshape(heads, rows, W, 1, k * k);          // [h, rows, W, 1, k²]
            var logits = matmul(qb, kb.transpose(-1, -2)) + bias;                                   // [B, h, rows, W, 1, k²]
            outputs.Add(matmul(logits.softmax(-1), vb).squeeze(-2));                                // [B, h, rows, W, hd]
        }
        var attended = (outputs.Count == 1 ? outputs[0] : cat(outputs, 2)).permute(0, 2, 3, 1, 4).reshape(b, H, W, c);
        if (hp != h0 || wp != w0) attended = attended.narrow(1, 0, h0).narrow(2, 0, w0);
        return proj.forward(attended).MoveToOuterDisposeScope();
    }

    /// <summary>The k×k neighbourhood of every query of a band: [B, h, H, W, hd] → [B, h, rows, W, k², hd].</summary>
    private static Tensor Neighbourhoods(Tensor map, Tensor rowKeys, Tensor colKeys, int rows, int w, int k)
    {
        long b = map.shape[0], heads = map.shape[1], hd = map.shape[4];
        return map.index_select(2, rowKeys).index_select(3, colKeys)      // [B, h, rows·k, W·k, hd]
                  .view(b, heads, rows, k, w, k, hd)
                  .permute(0, 1, 2, 4, 3, 5, 6)
                  .reshape(b, heads, rows, w, k * k, hd);
    }
}
