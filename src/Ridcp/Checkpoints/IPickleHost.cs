namespace Ridcp.Checkpoints;

/// <summary>What the pickle machine asks of its host: the meaning of globals, calls, persistent ids and BUILD. The
/// host decides what is allowed; <see cref="PickleReader"/> itself never creates anything but plain data.</summary>
internal interface IPickleHost
{
    /// <summary>The object a GLOBAL opcode stands for; throws for globals outside the allowed set.</summary>
    object ResolveGlobal(string module, string name);

    /// <summary>REDUCE / NEWOBJ: calls <paramref name="callable"/> (a value <see cref="ResolveGlobal"/> returned).</summary>
    object? Call(object? callable, object?[] args);

    /// <summary>BINPERSID / PERSID: the object a persistent id refers to (torch uses them for storages).</summary>
    object PersistentLoad(object? pid);

    /// <summary>BUILD: sets <paramref name="state"/> on <paramref name="target"/>.</summary>
    void Build(object? target, object? state);
}
