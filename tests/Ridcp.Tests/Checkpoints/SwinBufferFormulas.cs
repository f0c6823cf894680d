namespace Ridcp.Tests.Checkpoints;

/// <summary>The two persistent Swin buffers by the formulas of Fixtures/parity/README.md section 9, for checking the
/// values the fixture checkpoint stores (window 8, shift 4).</summary>
public static class SwinBufferFormulas
{
    const int Window = 8, Shift = 4;

    /// <summary>relative_position_index[i, j] = (yi - yj + 7) * 15 + (xi - xj + 7), tokens in row-major window order.</summary>
    public static long[] RelativePositionIndex()
    {
        int n = Window * Window;
        var v = new long[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                v[i * n + j] = (i / Window - j / Window + Window - 1) * (2 * Window - 1) + (i % Window - j % Window + Window - 1);
        return v;
    }

    /// <summary>Shifted-window mask [windows, 64, 64] of an h x w map: 0 where the region labels of two tokens agree,
    /// -100 elsewhere; regions are the bands [0, h-8), [h-8, h-4), [h-4, h) of rows and of columns.</summary>
    public static float[] AttentionMask(int h, int w)
    {
        int n = Window * Window, wy = h / Window, wx = w / Window;
        var v = new float[wy * wx * n * n];
        for (int win = 0; win < wy * wx; win++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    int li = Label(win, i, wx, h, w), lj = Label(win, j, wx, h, w);
                    v[(win * n + i) * n + j] = li == lj ? 0f : -100f;
                }
        return v;
    }

    static int Label(int win, int token, int windowsPerRow, int h, int w)
    {
        int y = win / windowsPerRow * Window + token / Window, x = win % windowsPerRow * Window + token % Window;
        return 3 * Band(y, h) + Band(x, w);
    }

    static int Band(int p, int size) => p < size - Window ? 0 : p < size - Shift ? 1 : 2;
}
