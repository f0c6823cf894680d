using Xunit;

namespace Ridcp.Tests.Serve;

/// <summary>A fact that needs a real browser: skipped with the reason where chromium is missing, unless
/// <see cref="Chromium.RequireVariable"/> says it must run (CI), in which case the test runs and fails.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.Installed && !Chromium.Required) Skip = Chromium.MissingReason;
    }
}
