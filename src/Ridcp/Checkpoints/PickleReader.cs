using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Ridcp.Checkpoints;

/// <summary>A minimal pickle machine (protocols 0-5, the opcodes torch.save and plain data use). It produces the
/// checkpoint object model (see <see cref="CheckpointDict"/>) and defers every global, call and persistent id to an
/// <see cref="IPickleHost"/>, which allows only what a state dict needs — the same idea as torch.load(weights_only=True).
/// Every length read from the stream is checked against the bytes left before anything is allocated.</summary>
internal sealed class PickleReader
{
    static readonly object Mark = new();
    const int MaxMemo = 1 << 20;
    const int MaxStack = 1 << 20;
    const long MaxItemBytes = 1L << 28;   // one string or bytes object; a state dict's are tiny
    /// <summary>Container slots a pickle may fill, per byte of pickle, beyond a fixed allowance. An opcode adds at
    /// most one item to a container, except those that copy a whole container (list(x), tuple(x), frozenset,
    /// APPENDS of a memoised run): charged by the items they copy, so a few bytes cannot multiply into gigabytes.</summary>
    const long SlotsPerByte = 4, SlotAllowance = 1 << 16;

    readonly Stream _s;
    readonly string _source;
    readonly IPickleHost _host;
    readonly List<object?> _stack = [];
    readonly Stack<int> _marks = new();
    readonly Dictionary<long, object?> _memo = [];
    long _slotsLeft;

    public PickleReader(Stream stream, string source, IPickleHost host) => (_s, _source, _host) = (stream, source, host);

    /// <summary>Reads one pickle (up to and including its STOP opcode) and returns its object.</summary>
    public object? Load()
    {
        try { return Run(); }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw Corrupt($"bad number in pickle ({e.Message})");
        }
    }

    object? Run()
    {
        _stack.Clear(); _marks.Clear(); _memo.Clear();
        _slotsLeft = SlotAllowance + SlotsPerByte * Math.Max(0, Remaining);
        while (true)
        {
            int op = _s.ReadByte();
            if (op < 0) throw Truncated();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                 // PROTO
                case 0x95: ReadBytes(8); break;                               // FRAME (length only; the data follows inline)
                case '.': return _stack.Count == 1 ? Pop() : throw Corrupt("STOP with a stack of " + _stack.Count); // STOP
                case '(': _marks.Push(_stack.Count); _stack.Add(Mark); break;    // MARK
                case '0': Pop(); break;                                       // POP
                case '1': PopMark(); break;                                   // POP_MARK
                case '2': Push(Peek()); break;                                // DUP

                case 'N': Push(null); break;                                  // NONE
                case 0x88: Push(true); break;                                 // NEWTRUE
                case 0x89: Push(false); break;                                // NEWFALSE
                case 'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case 'K': Push((long)ReadByte()); break;                      // BININT1
                case 'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(LittleEndianInt(ReadBytes(ReadByte()))); break;  // LONG1
                case 0x8b: Push(LittleEndianInt(ReadBytes(ReadLength(4)))); break; // LONG4
                case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case 'I': Push(TextInt(ReadLine())); break;                   // INT (protocol 0; I01/I00 are bools)
                case 'L': Push(TextLong(ReadLine())); break;                  // LONG (protocol 0)
                case 'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // FLOAT (protocol 0)

                case 'X': Push(Utf8(ReadLength(4))); break;                   // BINUNICODE
                case 0x8c: Push(Utf8(ReadByte())); break;                     // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(ReadLength(8))); break;                  // BINUNICODE8
                case 'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(4)))); break; // BINSTRING (Python 2 str)
                case 'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break;    // SHORT_BINSTRING
                case 'B': Push(ReadBytes(ReadLength(4))); break;              // BINBYTES
                case 'C': Push(ReadBytes(ReadByte())); break;                 // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8))); break;             // BINBYTES8
                case 0x96: Push(ReadBytes(ReadLength(8))); break;             // BYTEARRAY8

                case ')': Push(Array.Empty<object?>()); break;                // EMPTY_TUPLE
                case 0x85: Push(new[] { Pop() }); break;                      // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case 't': Push(PopMark().ToArray()); break;                   // TUPLE
                case ']': Push(new List<object?>()); break;                   // EMPTY_LIST
                case 'l': Push(PopMark()); break;                             // LIST
                case 'a': { var v = Pop(); Charge(1); AsList(Peek()).Add(v); break; }    // APPEND
                case 'e': { var items = PopMark(); Charge(items.Count); AsList(Peek()).AddRange(items); break; } // APPENDS
                case 0x8f: Push(new List<object?>()); break;                  // EMPTY_SET (sets become lists)
                case 0x90: { var items = PopMark(); Charge(items.Count); AsList(Peek()).AddRange(items); break; } // ADDITEMS
                case 0x91: Push(PopMark()); break;                            // FROZENSET
                case '}': Push(new CheckpointDict()); break;                  // EMPTY_DICT
                case 'd': { var d = new CheckpointDict(); SetItems(d, PopMark()); Push(d); break; } // DICT
                case 's': { var v = Pop(); var k = Pop(); SetItems(Peek(), [k, v]); break; } // SETITEM
                case 'u': { var items = PopMark(); SetItems(Peek(), items); break; } // SETITEMS

                case 'q': MemoPut(ReadByte()); break;                         // BINPUT
                case 'r': MemoPut(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))); break; // LONG_BINPUT
                case 'p': MemoPut(long.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // PUT
                case 0x94: MemoPut(_memo.Count); break;                       // MEMOIZE
                case 'h': Push(MemoGet(ReadByte())); break;                   // BINGET
                case 'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET
                case 'g': Push(MemoGet(long.Parse(ReadLine(), CultureInfo.InvariantCulture))); break; // GET

                case 'c': { var module = ReadLine(); var name = ReadLine(); Push(_host.ResolveGlobal(module, name)); break; } // GLOBAL
                case 0x93: { var name = Pop() as string; var module = Pop() as string;           // STACK_GLOBAL
                    if (module is null || name is null) throw Corrupt("STACK_GLOBAL without two strings");
                    Push(_host.ResolveGlobal(module, name)); break; }
                case 'R': { var args = Pop(); var f = Pop(); Push(_host.Call(f, ChargedArgs(args))); break; } // REDUCE
                case 0x81: { var args = Pop(); var cls = Pop(); Push(_host.Call(cls, ChargedArgs(args))); break; } // NEWOBJ
                case 'b': { var state = Pop(); _host.Build(Peek(), state); break; } // BUILD
                case 'Q': Push(_host.PersistentLoad(Pop())); break;           // BINPERSID
                case 'P': Push(_host.PersistentLoad(ReadLine())); break;      // PERSID

                default:
                    throw Corrupt($"pickle opcode 0x{op:x2} at byte {_s.Position - 1} is not supported in a checkpoint");
            }
        }
    }

    void Push(object? o)
    {
        if (_stack.Count >= MaxStack) throw Corrupt($"pickle stack deeper than {MaxStack} items");
        _stack.Add(o);
    }

    /// <summary>Takes <paramref name="slots"/> from the pickle's container budget (see <see cref="SlotsPerByte"/>).</summary>
    void Charge(long slots)
    {
        _slotsLeft -= slots;
        if (_slotsLeft < 0) throw Corrupt("the pickle builds far more container items than its size allows (a pickle bomb)");
    }

    /// <summary>Call arguments, charged for the containers a call may copy (list(x), tuple(x), dict(pairs)).</summary>
    object?[] ChargedArgs(object? args)
    {
        var a = AsArgs(args);
        foreach (var x in a) if (x is System.Collections.ICollection c) Charge(c.Count);
        return a;
    }

    object? Pop()
    {
        if (_stack.Count == 0 || _stack[^1] == Mark) throw Corrupt("pickle stack underflow");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    object? Peek() => _stack.Count > 0 && _stack[^1] != Mark ? _stack[^1] : throw Corrupt("pickle stack underflow");

    List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Corrupt("pickle MARK missing");
        int at = _marks.Pop();
        var items = _stack.GetRange(at + 1, _stack.Count - at - 1);
        _stack.RemoveRange(at, _stack.Count - at);
        return items;
    }

    List<object?> AsList(object? o) => o as List<object?> ?? throw Corrupt($"APPEND to {CheckpointDict.PythonTypeName(o)}");

    static object?[] AsArgs(object? args) => args switch
    {
        object?[] a => a,
        List<object?> l => l.ToArray(),
        _ => [args],
    };

    void SetItems(object? target, List<object?> kv)
    {
        if (target is not CheckpointDict d) throw Corrupt($"SETITEM on {CheckpointDict.PythonTypeName(target)}");
        if (kv.Count % 2 != 0) throw Corrupt("SETITEMS with an odd number of items");
        for (int i = 0; i < kv.Count; i += 2) d[KeyText(kv[i])] = kv[i + 1];
    }

    string KeyText(object? key) => key switch
    {
        string s => s,
        long or BigInteger => Convert.ToString(key, CultureInfo.InvariantCulture)!,
        bool b => b ? "True" : "False",
        _ => throw Corrupt($"dict key of type {CheckpointDict.PythonTypeName(key)} is not supported"),
    };

    void MemoPut(long index)
    {
        if (_memo.Count >= MaxMemo && !_memo.ContainsKey(index)) throw Corrupt($"pickle memo larger than {MaxMemo} entries");
        _memo[index] = Peek();
    }

    object? MemoGet(long index) => _memo.TryGetValue(index, out var v) ? v : throw Corrupt($"pickle memo entry {index} missing");

    int ReadByte() { int b = _s.ReadByte(); return b >= 0 ? b : throw Truncated(); }

    byte[] ReadBytes(long n)
    {
        if (n < 0 || n > Remaining) throw Truncated();
        if (n > MaxItemBytes) throw Corrupt($"a single pickled string of {n} bytes");
        var buf = new byte[n];
        _s.ReadExactly(buf);
        return buf;
    }

    /// <summary>A length field of <paramref name="width"/> bytes, checked against what is left of the stream.</summary>
    long ReadLength(int width)
    {
        var b = ReadBytes(width);
        long n = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(b) : (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(b), long.MaxValue);
        return n <= Remaining ? n : throw Truncated();
    }

    long Remaining => _s.Length - _s.Position;

    string Utf8(long n) => Encoding.UTF8.GetString(ReadBytes(n));

    string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n') return sb.ToString();
            if (sb.Length > 4096) throw Corrupt("text line in pickle too long");
            sb.Append((char)b);
        }
    }

    static object TextInt(string s) => s switch
    {
        "01" => true,
        "00" => false,
        _ => long.Parse(s, CultureInfo.InvariantCulture),
    };

    static object TextLong(string s) => Normalize(BigInteger.Parse(s.TrimEnd('L'), CultureInfo.InvariantCulture));

    static object LittleEndianInt(byte[] b) => Normalize(new BigInteger(b, isUnsigned: false, isBigEndian: false));

    /// <summary>Python ints that fit in 64 bits become <see cref="long"/>. (The cast to object matters: in
    /// <c>c ? (long)v : v</c> the long would be converted straight back to BigInteger.)</summary>
    static object Normalize(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;

    CheckpointFormatException Truncated() =>
        new($"checkpoint '{_source}' is truncated or damaged: its pickle ends early (at byte {_s.Position})");

    CheckpointFormatException Corrupt(string what) => new($"checkpoint '{_source}' is damaged: {what}");
}
