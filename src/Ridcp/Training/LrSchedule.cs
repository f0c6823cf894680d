namespace Ridcp.Training;

/// <summary>BasicSR MultiStepLR (official scheduler): lr(iter) = base * gamma^(milestones passed). Pure, so a
/// resumed run gets the same rates. Iterations are 1-based as in BasicSR's loop; a milestone m takes effect from
/// iteration m + 1 (the scheduler steps after iteration m).</summary>
public static class LrSchedule
{
    public static double At(long iter, double baseLr, IReadOnlyList<long> milestones, double gamma)
    {
        int passed = milestones.Count(m => iter > m);
        return baseLr * Math.Pow(gamma, passed);
    }
}
