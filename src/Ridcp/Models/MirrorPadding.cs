using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>The padding of the official VQWeightDehazeNet.test() (README of the parity fixtures, section 4).</summary>
public static class MirrorPadding
{
    /// <summary>Padded size of the official test(): (n // multiple + 1) * multiple. It always grows, by a whole
    /// block when n is already a multiple (64 -> 96 for multiple 32).</summary>
    public static long Target(long n, long multiple) => (n / multiple + 1) * multiple;

    /// <summary>Appends the image flipped upside down below it and keeps the target number of rows, then the same
    /// for columns: symmetric (edge-repeating) mirroring, padded row h + t = row h - 1 - t. Like the official code
    /// it appends one flipped copy only, so an image under half the padding size (under 16 px for the official
    /// net) ends smaller than the target; that is rejected here instead of failing later inside the Swin blocks.</summary>
    public static Tensor Pad(Tensor input, long multiple)
    {
        long h = input.shape[^2], w = input.shape[^1];
        long hp = Target(h, multiple), wp = Target(w, multiple);
        if (hp > 2 * h || wp > 2 * w)
            throw new ArgumentException($"image of {w}x{h} pixels is too small: mirror padding to a multiple of {multiple} needs at least {multiple / 2} pixels per side");
        using var scope = NewDisposeScope();
        var rows = cat([input, input.flip(-2)], -2).narrow(-2, 0, hp);
        var padded = cat([rows, rows.flip(-1)], -1).narrow(-1, 0, wp).contiguous();
        return scope.MoveToOuter(padded);
    }
}
