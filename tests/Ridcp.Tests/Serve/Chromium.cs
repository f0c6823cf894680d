namespace Ridcp.Tests.Serve;

/// <summary>The browser the browser tests drive: Debian's chromium (.ci/install-browser installs it), never one
/// Playwright downloads. A developer machine without it skips those tests; CI sets <see cref="RequireVariable"/> so
/// that a missing browser fails them instead of skipping them unnoticed.</summary>
static class Chromium
{
    /// <summary>"1" (set by .ci/run): a missing browser is a test failure, not a skip.</summary>
    public const string RequireVariable = "RIDCP_REQUIRE_BROWSER";
    /// <summary>Another chromium executable than Debian's (/usr/bin/chromium).</summary>
    public const string PathVariable = "RIDCP_CHROMIUM";

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool Installed => File.Exists(ExecutablePath);

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static string MissingReason =>
        $"no chromium at {ExecutablePath} (install it with .ci/install-browser, or name one in {PathVariable}); {RequireVariable}=1 makes this a failure";
}
