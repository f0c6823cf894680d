namespace Ridcp.Cli.Serve;

/// <summary>A bounded queue in front of the network: one request runs at a time (its activations are the memory
/// that matters), <c>waitingSlots</c> more may wait, and anything beyond is refused at once (503) rather than
/// piling up uploads and tensors until the machine runs out of memory.</summary>
public sealed class WorkQueue(int waitingSlots) : IDisposable
{
    readonly SemaphoreSlim admitted = new(1 + waitingSlots);
    readonly SemaphoreSlim running = new(1);

    /// <summary>Requests admitted and not yet finished (running or waiting).</summary>
    public int InUse => Capacity - admitted.CurrentCount;
    /// <summary>One running plus the waiting slots.</summary>
    public int Capacity { get; } = 1 + waitingSlots;

    /// <summary>A place in the queue, or null when it is full. Taken before the upload is read, so a refused
    /// request costs no memory; disposing it gives the place back.</summary>
    public IDisposable? TryReserve() => admitted.Wait(0) ? new Place(admitted) : null;

    /// <summary>Runs <paramref name="work"/> when it is this request's turn (on a pool thread, one at a time).</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancel)
    {
        await running.WaitAsync(cancel);
        try { return await Task.Run(work, cancel); }
        finally { running.Release(); }
    }

    public void Dispose()
    {
        admitted.Dispose();
        running.Dispose();
    }

    sealed class Place(SemaphoreSlim admitted) : IDisposable
    {
        int released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) admitted.Release();
        }
    }
}
