using System.Text;
using Microsoft.Playwright;
using Ridcp.Baselines;
using Ridcp.Cli.Serve;
using Ridcp.Imaging;
using Ridcp.Inference;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Serve;

/// <summary>`ridcp serve`'s page in a real browser: Debian's chromium driven by Playwright, against the app serving
/// the bundled model on a loopback port. What a user does: choose a photo, see the result beside it, move the α
/// slider, compare with the dark channel prior, download.</summary>
public class ServePageBrowserTests
{
    /// <summary>Any one wait in the page (a full run of the bundled model on the small photo takes seconds; CI's
    /// machine is slow and shared).</summary>
    const float WaitMs = 45_000;

    /// <summary>The motorcycle fixture at half size (odd sides, so the network's padding is exercised): seconds to
    /// dehaze.</summary>
    static RgbImage SmallPhoto()
    {
        using var scope = NewDisposeScope();
        var full = ImageFile.Read(Fixture.File("synthesis", "motorcycle_small.png")).ToTensor();
        return RgbImage.FromTensor(MaxSizeRule.Resize(full, 83, 123));
    }

    [BrowserFact]
    public async Task A_photo_chosen_on_the_page_is_dehazed_rematched_by_the_alpha_slider_compared_with_dcp_and_downloaded()
    {
        if (!Chromium.Installed) Assert.Fail(Chromium.MissingReason);
        using var tmp = new TempFolder();
        string photoPath = tmp.File("motorcycle.png");
        ImageFile.Write(SmallPhoto(), photoPath);
        byte[] photoBytes = File.ReadAllBytes(photoPath);

        // One cached image, so that one other upload evicts the page's photo (the last step).
        await using var served = await ServedApp.StartAsync(new ServeOptions { CachedImages = 1 }, bundledModel: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.ExecutablePath, Headless = true });
        var page = await browser.NewPageAsync(new() { AcceptDownloads = true });
        page.SetDefaultTimeout(WaitMs);
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);
        page.Console += (_, message) => { if (message.Type == "error") pageErrors.Add($"{message.Text} ({message.Location})"); };
        var dehazeStatuses = new List<int>();
        page.Response += (_, response) => { if (IsDehaze(response)) dehazeStatuses.Add(response.Status); };

        await page.GotoAsync(served.Address.ToString());
        Assert.Equal("Ridcp.NET — dehaze a photo", await page.TitleAsync());

        // Choose the photo: a full run, the result beside the input at the input's size.
        var first = await page.RunAndWaitForResponseAsync(() => page.Locator("#file").SetInputFilesAsync(photoPath), IsDehaze);
        Assert.Equal(200, first.Status);
        Assert.Equal("miss", first.Headers["x-ridcp-cache"]);
        await ResultsShown(page, 1);
        Assert.Equal((123, 83), await NaturalSize(page, "input"));
        Assert.Equal((123, 83), await NaturalSize(page, "output"));
        string firstSrc = await page.GetAttributeAsync("#output", "src") ?? "";
        byte[] firstPng = await ShownPng(page);
        Assert.Equal((123, 83), PngSize(firstPng));

        // Move the α slider: the photo is named by its id, not sent again, and the server re-matches its cached
        // encoder output; the picture changes.
        var rematched = await page.RunAndWaitForResponseAsync(() => page.Locator("#alpha").FillAsync("-60"), IsDehaze);
        Assert.Equal(200, rematched.Status);
        Assert.Equal("hit", rematched.Headers["x-ridcp-cache"]);
        Assert.Equal("-60", rematched.Headers["x-ridcp-alpha"]);
        AssertSentById(rematched.Request, first.Headers["x-ridcp-image-id"]);
        await ResultsShown(page, 2);
        Assert.NotEqual(firstSrc, await page.GetAttributeAsync("#output", "src"));
        byte[] rematchedPng = await ShownPng(page);
        Assert.NotEqual(firstPng, rematchedPng);
        Assert.Equal((123, 83), await NaturalSize(page, "output"));

        // Compare with the dark channel prior: the photo is sent (DCP needs its pixels) and the page shows DCP's result.
        var dcp = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#dcp"), IsDehaze);
        Assert.Equal(200, dcp.Status);
        await ResultsShown(page, 3);
        Assert.Equal("Output (dark channel prior)", await page.TextContentAsync("#outputCaption"));
        Assert.Equal(ImageFile.EncodePng(DarkChannelPrior.Dehaze(ImageFile.Decode(photoBytes, "photo", ImageFile.MaxPixels))), await ShownPng(page));

        // Back to RIDCP (by id again, the slider's α) and download: the file is the shown result at the input's size.
        var back = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#ridcp"), IsDehaze);
        Assert.Equal("hit", back.Headers["x-ridcp-cache"]);
        await ResultsShown(page, 4);
        Assert.Equal(rematchedPng, await ShownPng(page));
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        Assert.Equal("motorcycle_dehazed.png", download.SuggestedFilename);
        string saved = tmp.File("downloaded.png");
        await download.SaveAsAsync(saved);
        Assert.Equal(rematchedPng, File.ReadAllBytes(saved));
        Assert.Equal((123, 83), PngSize(File.ReadAllBytes(saved)));

        // Another upload evicts the photo from the one-entry cache: the next α gets 404 for the id and the page
        // sends the photo again instead of showing an error.
        using (var other = await served.DehazeAsync(ImageFile.EncodePng(ServedApp.Photo()))) Assert.True(other.IsSuccessStatusCode);
        var resent = await page.RunAndWaitForResponseAsync(() => page.Locator("#alpha").FillAsync("-21.25"), r => IsDehaze(r) && r.Status == 200);
        Assert.Equal("miss", resent.Headers["x-ridcp-cache"]);
        await ResultsShown(page, 5);
        Assert.Equal([200, 200, 200, 200, 404, 200], dehazeStatuses);
        Assert.DoesNotContain("error", await page.TextContentAsync("#status") ?? "");
        // The browser logs each response that is not 2xx; the 404 for the evicted id is the expected one (above).
        var unexpected = pageErrors.Where(e => !(e.Contains("status of 404") && e.Contains("/api/dehaze"))).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    static bool IsDehaze(IResponse response) => response.Url.EndsWith("/api/dehaze", StringComparison.Ordinal);

    /// <summary>The page counts results whose image has loaded (body data-results).</summary>
    static Task ResultsShown(IPage page, int count) =>
        page.WaitForFunctionAsync("n => Number(document.body.dataset.results || 0) >= n", count);

    static async Task<(int Width, int Height)> NaturalSize(IPage page, string id)
    {
        var size = await page.EvaluateAsync<int[]>("id => { const i = document.getElementById(id); return [i.naturalWidth, i.naturalHeight]; }", id);
        return (size[0], size[1]);
    }

    /// <summary>The bytes of the result the page shows (its object URL, fetched inside the page).</summary>
    static async Task<byte[]> ShownPng(IPage page) => Convert.FromBase64String(await page.EvaluateAsync<string>("""
        async () => {
          const bytes = new Uint8Array(await (await fetch(document.getElementById('output').src)).arrayBuffer());
          let text = '';
          for (const b of bytes) text += String.fromCharCode(b);
          return btoa(text);
        }
        """));

    static (int Width, int Height) PngSize(byte[] png)
    {
        var image = ImageFile.Decode(png, "result", ImageFile.MaxPixels);
        return (image.Width, image.Height);
    }

    /// <summary>A multipart body with the field image_id = <paramref name="imageId"/> and no file in it.</summary>
    static void AssertSentById(IRequest request, string imageId)
    {
        byte[] body = request.PostDataBuffer ?? [];
        string text = Encoding.Latin1.GetString(body);
        Assert.Contains("name=\"image_id\"", text);
        Assert.Contains(imageId, text);
        Assert.DoesNotContain("name=\"image\"", text);
        Assert.True(body.Length < 1024, $"the α request carried {body.Length} bytes");
    }
}
