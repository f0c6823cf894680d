namespace Ridcp.Synthesis;

/// <summary>A closed interval [Min, Max] of a drawn parameter.</summary>
public readonly record struct Range(double Min, double Max)
{
    public void Validate(string name, double lowest = double.NegativeInfinity, double highest = double.PositiveInfinity)
    {
        if (!double.IsFinite(Min) || !double.IsFinite(Max) || Min > Max)
            throw new ArgumentException($"{name}: invalid range [{Min}, {Max}]");
        if (Min < lowest || Max > highest)
            throw new ArgumentException($"{name}: range [{Min}, {Max}] must lie within [{lowest}, {highest}]");
    }

    public override string ToString() => $"[{Min}, {Max}]";
}
