namespace Ridcp.Inference;

/// <summary>Arithmetic precision of a dehazing network (`--precision`).</summary>
public enum Precision
{
    /// <summary>float32 throughout (the official code's precision; the parity tests run here).</summary>
    Fp32,
    /// <summary>bfloat16 weights and activations, with the operations that need it kept in float32
    /// (<see cref="Ridcp.Models.MixedPrecision"/>, docs/precision.md).</summary>
    Bf16,
}
