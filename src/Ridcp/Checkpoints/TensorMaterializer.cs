using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>Turns the <see cref="PendingTensor"/>s of an unpickled checkpoint into tensors: first checks every declared
/// storage size against the bytes the file really holds and every view (size, stride, offset) against its storage —
/// nothing is allocated before all checks pass — then reads each storage once and creates the views on it, so tensors
/// that shared a storage in Python share it here too.</summary>
internal static class TensorMaterializer
{
    public static object? Resolve(object? root, TorchPickleHost host, IStorageSource source, string path, List<Tensor> created)
    {
        foreach (var s in host.Storages) CheckStorage(s, source, path);
        foreach (var t in host.Tensors) CheckView(t, path);

        var bases = new Dictionary<string, Tensor>();
        var views = new Dictionary<PendingTensor, Tensor>(ReferenceEqualityComparer.Instance);
        try
        {
            foreach (var s in host.Storages) bases[s.Key] = ReadStorage(s, source, path);
            foreach (var p in host.Tensors)
            {
                var v = bases[p.Storage.Key].as_strided(p.Size, p.Stride, p.Storage.ViewOffset + p.Offset);
                views[p] = v;
                created.Add(v);
            }
        }
        catch
        {
            foreach (var v in created) v.Dispose();
            created.Clear();
            throw;
        }
        finally
        {
            // The views hold the storage alive on their own.
            foreach (var b in bases.Values) b.Dispose();
        }
        if (root is PendingTensor rootTensor) return views[rootTensor];
        Replace(root, views);
        return root;
    }

    static void CheckStorage(StorageRef s, IStorageSource source, string path)
    {
        long declared;
        try { declared = checked(s.Numel * s.Type.ElementSize); }
        catch (OverflowException) { throw new CheckpointFormatException($"checkpoint '{path}' is damaged: storage {s.Key} declares an impossible size ({s.Numel} elements)"); }
        long actual = source.ByteLength(s.Key);
        if (actual != declared)
            throw new CheckpointFormatException(
                $"checkpoint '{path}' is truncated or damaged: storage {s.Key} declares {s.Numel} {s.Type.Name} elements ({declared} bytes) but the file holds {actual} bytes for it");
        if (declared > int.MaxValue)
            throw new CheckpointFormatException($"checkpoint '{path}': storage {s.Key} is larger than 2 GiB, which this reader does not support");
    }

    static void CheckView(PendingTensor t, string path)
    {
        string shape = $"[{string.Join(", ", t.Size)}] stride [{string.Join(", ", t.Stride)}] offset {t.Offset}";
        if (t.Offset < 0 || t.Size.Any(d => d < 0) || t.Stride.Any(d => d < 0))
            throw new CheckpointFormatException($"checkpoint '{path}' is damaged: tensor {shape} has negative sizes");
        try
        {
            bool empty = t.Size.Any(d => d == 0);
            long last = t.Offset;
            if (!empty) for (int i = 0; i < t.Size.Length; i++) last = checked(last + (t.Size[i] - 1) * t.Stride[i]);
            bool inside = empty ? t.Offset <= t.Storage.ViewSize : last < t.Storage.ViewSize;
            if (!inside)
                throw new CheckpointFormatException(
                    $"checkpoint '{path}' is damaged: tensor {shape} reaches past the end of storage {t.Storage.Key} ({t.Storage.ViewSize} elements)");
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException($"checkpoint '{path}' is damaged: tensor {shape} has impossible sizes");
        }
    }

    static Tensor ReadStorage(StorageRef s, IStorageSource source, string path)
    {
        var t = empty([s.Numel], s.Type.Dtype);
        try
        {
            if (s.Numel == 0) return t;
            var bytes = t.bytes;
            source.ReadInto(s.Key, bytes);
            if (source.BigEndian && s.Type.ElementSize > 1)
                for (int i = 0; i < bytes.Length; i += s.Type.ElementSize) bytes.Slice(i, s.Type.ElementSize).Reverse();
            return t;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            t.Dispose();
            throw new CheckpointFormatException($"checkpoint '{path}' is truncated or damaged: storage {s.Key} cannot be read ({e.Message})", e);
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    /// <summary>Swaps every pending tensor in the object graph for its tensor. Iterative, so a maliciously deep
    /// nesting cannot overflow the call stack; each container is visited once (pickles may share or cycle).</summary>
    static void Replace(object? root, Dictionary<PendingTensor, Tensor> views)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var todo = new Stack<object>();
        if (root is not null) todo.Push(root);
        while (todo.Count > 0)
        {
            var node = todo.Pop();
            if (!seen.Add(node)) continue;
            switch (node)
            {
                case CheckpointDict d:
                    foreach (var key in d.Keys.ToList()) d[key] = Swap(d[key], views, todo);
                    break;
                case List<object?> l:
                    for (int i = 0; i < l.Count; i++) l[i] = Swap(l[i], views, todo);
                    break;
                case object?[] a:
                    for (int i = 0; i < a.Length; i++) a[i] = Swap(a[i], views, todo);
                    break;
            }
        }
    }

    static object? Swap(object? item, Dictionary<PendingTensor, Tensor> views, Stack<object> todo)
    {
        if (item is PendingTensor p) return views[p];
        if (item is CheckpointDict or List<object?> or object?[]) todo.Push(item);
        return item;
    }
}
