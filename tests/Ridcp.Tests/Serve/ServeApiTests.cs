using System.Net;
using System.Text.Json;
using Ridcp.Baselines;
using Ridcp.Cli.Serve;
using Ridcp.Imaging;
using Ridcp.Inference;
using Xunit;

namespace Ridcp.Tests.Serve;

/// <summary>The web app's HTTP API over real HTTP (in-process Kestrel on a loopback port), with the small network.</summary>
public class ServeApiTests
{
    static readonly byte[] PhotoPng = ImageFile.EncodePng(ServedApp.Photo());

    static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString()!;
    }

    [Fact]
    public async Task An_uploaded_png_comes_back_dehazed_as_a_png_of_the_same_size()
    {
        await using var served = await ServedApp.StartAsync();
        using var response = await served.DehazeAsync(PhotoPng);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var result = ImageFile.Decode(await response.Content.ReadAsByteArrayAsync(), "response", ImageFile.MaxPixels);
        Assert.Equal((40, 35), (result.Width, result.Height));
        Assert.Equal("miss", response.Headers.GetValues(ServeApp.CacheHeader).Single());
        Assert.Equal(DehazeService.ImageId(PhotoPng), response.Headers.GetValues(ServeApp.ImageIdHeader).Single());
    }

    [Fact]
    public async Task A_new_alpha_reuses_the_cached_encoder_output_and_equals_a_full_run_at_that_alpha()
    {
        await using var served = await ServedApp.StartAsync();
        using (var first = await served.DehazeAsync(PhotoPng, alpha: "-21.25")) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await served.DehazeAsync(PhotoPng, alpha: "-200");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("hit", second.Headers.GetValues(ServeApp.CacheHeader).Single());
        Assert.Equal("-200", second.Headers.GetValues(ServeApp.AlphaHeader).Single());

        // The split forward (encoder once, matching + decoders per alpha) against a whole forward at that alpha, bit
        // for bit, on the image the server saw (the upload's 8-bit samples).
        using var full = Dehazer.Load(new DehazerOptions { WeightsPath = served.WeightsPath, ChmWeightPath = served.ChmWeightPath });
        var uploaded = ImageFile.Decode(PhotoPng, "upload", ImageFile.MaxPixels);
        byte[] expected = ImageFile.EncodePng(full.Dehaze(uploaded, -200f));
        Assert.Equal(expected, await second.Content.ReadAsByteArrayAsync());
        // and the alpha matters for this network and weight, so the comparison above can fail
        Assert.NotEqual(expected, ImageFile.EncodePng(full.Dehaze(uploaded, 0f)));
    }

    [Fact]
    public async Task An_image_id_from_an_earlier_result_rematches_the_cached_upload_at_a_new_alpha_without_sending_it()
    {
        await using var served = await ServedApp.StartAsync();
        string id;
        using (var first = await served.DehazeAsync(PhotoPng, alpha: "-21.25"))
            id = first.Headers.GetValues(ServeApp.ImageIdHeader).Single();
        using var byId = await served.DehazeCachedAsync(id, alpha: "-200");
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal("hit", byId.Headers.GetValues(ServeApp.CacheHeader).Single());
        Assert.Equal(id, byId.Headers.GetValues(ServeApp.ImageIdHeader).Single());
        Assert.Equal("-200", byId.Headers.GetValues(ServeApp.AlphaHeader).Single());
        // the same picture as sending the photo again with that alpha (which the test above checks against a full run)
        using var byUpload = await served.DehazeAsync(PhotoPng, alpha: "-200");
        Assert.Equal(await byUpload.Content.ReadAsByteArrayAsync(), await byId.Content.ReadAsByteArrayAsync());
        // and no alpha means the server's default, as for an upload
        using var byIdDefault = await served.DehazeCachedAsync(id);
        Assert.Equal(Dehazer.OfficialAlpha.ToString(System.Globalization.CultureInfo.InvariantCulture), byIdDefault.Headers.GetValues(ServeApp.AlphaHeader).Single());
    }

    [Fact]
    public async Task An_image_id_no_longer_cached_gets_404_with_a_json_error()
    {
        // one cached image: a second upload evicts the first
        await using var served = await ServedApp.StartAsync(new ServeOptions { CachedImages = 1 });
        using (var first = await served.DehazeAsync(PhotoPng)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var other = await served.DehazeAsync(ImageFile.EncodePng(ServedApp.Photo(36, 33)))) Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var response = await served.DehazeCachedAsync(DehazeService.ImageId(PhotoPng), alpha: "-10");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no longer cached", await ErrorOf(response));
        // an id never seen is answered the same way
        using var unknown = await served.DehazeCachedAsync(new string('0', 32));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("strong")]
    [InlineData("NaN")]
    [InlineData("1e9")]
    public async Task A_bad_alpha_with_an_image_id_gets_400(string alpha)
    {
        await using var served = await ServedApp.StartAsync();
        using (var first = await served.DehazeAsync(PhotoPng)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var response = await served.DehazeCachedAsync(DehazeService.ImageId(PhotoPng), alpha: alpha);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("alpha", await ErrorOf(response));
    }

    [Fact]
    public async Task An_image_id_that_is_malformed_comes_with_a_file_or_asks_for_dcp_gets_400()
    {
        await using var served = await ServedApp.StartAsync();
        string id = DehazeService.ImageId(PhotoPng);
        using (var first = await served.DehazeAsync(PhotoPng)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var malformed = await served.DehazeCachedAsync("../../etc/passwd");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("32 hex digits", await ErrorOf(malformed));

        using var dcp = await served.DehazeCachedAsync(id, method: "dcp");
        Assert.Equal(HttpStatusCode.BadRequest, dcp.StatusCode);
        Assert.Contains("dcp", await ErrorOf(dcp));

        var both = new MultipartFormDataContent { { new ByteArrayContent(PhotoPng), "image", "photo.png" }, { new StringContent(id), "image_id" } };
        using var bothResponse = await served.Client.PostAsync("/api/dehaze", both);
        Assert.Equal(HttpStatusCode.BadRequest, bothResponse.StatusCode);
        Assert.Contains("not both", await ErrorOf(bothResponse));
    }

    [Fact]
    public async Task An_image_larger_than_the_whole_cache_budget_is_dehazed_but_not_kept()
    {
        await using var served = await ServedApp.StartAsync(new ServeOptions { CacheMemoryBytes = 1024 });
        using (var first = await served.DehazeAsync(PhotoPng)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var again = await served.DehazeAsync(PhotoPng);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("miss", again.Headers.GetValues(ServeApp.CacheHeader).Single());
        var result = ImageFile.Decode(await again.Content.ReadAsByteArrayAsync(), "response", ImageFile.MaxPixels);
        Assert.Equal((40, 35), (result.Width, result.Height));
        Assert.Equal(0, served.Service.CachedImages);
        using var byId = await served.DehazeCachedAsync(DehazeService.ImageId(PhotoPng));
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
    }

    [Fact]
    public async Task Method_dcp_answers_with_the_dark_channel_prior_result()
    {
        await using var served = await ServedApp.StartAsync();
        using var response = await served.DehazeAsync(PhotoPng, method: "dcp");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ImageFile.EncodePng(DarkChannelPrior.Dehaze(ImageFile.Decode(PhotoPng, "upload", ImageFile.MaxPixels))), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Bytes_that_are_no_image_get_400_with_a_json_error()
    {
        await using var served = await ServedApp.StartAsync();
        using var response = await served.DehazeAsync("this is not an image"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a readable image", await ErrorOf(response));
    }

    [Theory]
    [InlineData("strong")]
    [InlineData("NaN")]
    [InlineData("1e9")]
    public async Task A_bad_alpha_gets_400(string alpha)
    {
        await using var served = await ServedApp.StartAsync();
        using var response = await served.DehazeAsync(PhotoPng, alpha: alpha);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("alpha", await ErrorOf(response));
    }

    [Fact]
    public async Task An_image_over_the_pixel_limit_gets_413_from_its_header()
    {
        await using var served = await ServedApp.StartAsync(new ServeOptions { MaxPixels = 40 * 35 - 1 });
        using var response = await served.DehazeAsync(PhotoPng);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("40x35", await ErrorOf(response));
    }

    [Fact]
    public async Task An_upload_over_the_byte_limit_gets_413()
    {
        await using var served = await ServedApp.StartAsync(new ServeOptions { MaxUploadBytes = 100 });
        using var response = await served.DehazeAsync(PhotoPng);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("too large", await ErrorOf(response));
    }

    [Fact]
    public async Task A_request_beyond_the_queue_gets_503_and_the_next_one_after_it_drains_succeeds()
    {
        await using var served = await ServedApp.StartAsync(new ServeOptions { WaitingSlots = 0 });
        using (served.Queue.TryReserve())
        {
            using var refused = await served.DehazeAsync(PhotoPng);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("queue", await ErrorOf(refused));
        }
        using var accepted = await served.DehazeAsync(PhotoPng);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_model_and_the_queue_as_json()
    {
        await using var served = await ServedApp.StartAsync(new ServeOptions { WaitingSlots = 2 });
        using var json = JsonDocument.Parse(await served.Client.GetStringAsync("/health"));
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("chm").GetBoolean());
        Assert.Equal(Dehazer.OfficialAlpha, json.RootElement.GetProperty("default_alpha").GetSingle());
        Assert.Equal(3, json.RootElement.GetProperty("queue").GetProperty("capacity").GetInt32());
        Assert.Equal(served.Service.CacheBudgetBytes, json.RootElement.GetProperty("cache_bytes").GetProperty("budget").GetInt64());
    }

    [Fact]
    public async Task The_page_is_served_at_the_root()
    {
        await using var served = await ServedApp.StartAsync();
        using var response = await served.Client.GetAsync("/");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("/api/dehaze", html);
        Assert.Contains("id=\"alpha\"", html);
    }
}
