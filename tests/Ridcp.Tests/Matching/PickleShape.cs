using System.Buffers.Binary;
using System.Text;

namespace Ridcp.Tests.Matching;

/// <summary>What a protocol-2 pickle builds, written out as one expression, e.g.
/// <c>torch._utils._rebuild_tensor_v2(pid(('storage',torch.FloatStorage,'0','cpu',1024)),0,(1024,),(1,),False,collections.OrderedDict())</c>.
/// Two pickles that build the same object by the same calls give the same text, whether they memoise or how they
/// spell a tuple. Covers the opcodes torch.save uses for a bare tensor; anything else fails loudly.</summary>
static class PickleShape
{
    const string Mark = "\0MARK";

    public static string Describe(byte[] p)
    {
        var stack = new List<string>();
        string Pop() { var v = stack[^1]; stack.RemoveAt(stack.Count - 1); return v; }
        string Tuple(IEnumerable<string> items) { var a = items.ToList(); return a.Count == 1 ? $"({a[0]},)" : "(" + string.Join(",", a) + ")"; }
        int i = 0;
        while (i < p.Length)
        {
            byte op = p[i++];
            switch ((char)op)
            {
                case '\x80': i += 1; break;
                case 'c':
                {
                    int a = Array.IndexOf(p, (byte)'\n', i), b = Array.IndexOf(p, (byte)'\n', a + 1);
                    stack.Add(Encoding.ASCII.GetString(p, i, a - i) + "." + Encoding.ASCII.GetString(p, a + 1, b - a - 1));
                    i = b + 1; break;
                }
                case 'q': i += 1; break;
                case 'r': i += 4; break;
                case '(': stack.Add(Mark); break;
                case 'X':
                {
                    int n = (int)BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(i));
                    stack.Add("'" + Encoding.UTF8.GetString(p, i + 4, n) + "'"); i += 4 + n; break;
                }
                case 'K': stack.Add(p[i].ToString()); i += 1; break;
                case 'M': stack.Add(BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(i)).ToString()); i += 2; break;
                case 'J': stack.Add(BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(i)).ToString()); i += 4; break;
                case 't':
                {
                    int m = stack.LastIndexOf(Mark);
                    var items = stack.Skip(m + 1).ToList();
                    stack.RemoveRange(m, stack.Count - m);
                    stack.Add(Tuple(items)); break;
                }
                case ')': stack.Add("()"); break;
                case '\x85': stack.Add(Tuple([Pop()])); break;
                case '\x86': { var b = Pop(); var a = Pop(); stack.Add(Tuple([a, b])); break; }
                case '\x87': { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(Tuple([a, b, c])); break; }
                case 'Q': stack.Add($"pid({Pop()})"); break;
                case '\x88': stack.Add("True"); break;
                case '\x89': stack.Add("False"); break;
                case 'R': { var args = Pop(); var f = Pop(); stack.Add(f + (args == "()" ? "()" : args.EndsWith(",)") ? args[..^2] + ")" : args)); break; }
                case '}': stack.Add("{}"); break;
                case '.': return stack.Single();
                default: throw new InvalidDataException($"pickle opcode 0x{op:x2} at {i - 1} not covered");
            }
        }
        throw new InvalidDataException("pickle without STOP");
    }
}
