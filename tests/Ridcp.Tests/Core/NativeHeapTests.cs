using Ridcp.Core;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Core;

public class NativeHeapTests
{
    [Fact]
    public void A_freed_tensor_stays_in_the_kept_heap_and_is_counted_as_free()
    {
        if (!NativeHeap.KeepFreedMemory()) return;   // not glibc, or malloc settings chosen in the environment
        // 16 MB: a test runs on a pool thread, whose glibc arena is a 64 MB heap; larger blocks would be mmapped
        // whatever the settings (only the main thread's arena, where the CLI dehazes, grows without bound).
        const long bytes = 16L << 20;
        long whileAlive;
        using (var t = ones(bytes / 4))
        {
            Assert.Equal(bytes / 4, (long)t.sum().item<float>());
            whileAlive = NativeHeap.FreeBytesHeld();
        }
        // Freed, not unmapped: the heap now holds the block for the next allocation, and says so. (Measured against
        // the moment the tensor lived, because a heap that already held a free block serves the tensor from it.)
        long afterFree = NativeHeap.FreeBytesHeld();
        Assert.True(afterFree - whileAlive >= bytes * 9 / 10, $"{whileAlive} -> {afterFree} free bytes");
    }
}
