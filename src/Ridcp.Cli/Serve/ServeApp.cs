using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ridcp.Imaging;

namespace Ridcp.Cli.Serve;

/// <summary>The web app of `ridcp serve` (ASP.NET Core minimal APIs): the page, POST /api/dehaze, GET /health.
/// POST /api/dehaze takes the photo in the multipart field 'image', or instead 'image_id' (the X-Ridcp-Image-Id of an
/// earlier result) to re-match a cached upload at another alpha without sending it again.
/// Every refusal is JSON {"error": "..."}: 400 bad request or not an image, 404 image_id no longer cached, 413 too
/// many bytes or pixels, 503 queue full.</summary>
public static class ServeApp
{
    /// <summary>Multipart framing around the image: boundaries, headers and the other small fields.</summary>
    const long FormOverheadBytes = 64 * 1024;

    /// <summary>Headers of a result: the upload's id (hash), whether its encoder output was cached, the alpha used.</summary>
    public const string ImageIdHeader = "X-Ridcp-Image-Id";
    public const string CacheHeader = "X-Ridcp-Cache";
    public const string AlphaHeader = "X-Ridcp-Alpha";

    /// <summary>A configured, not yet started app listening on options' host and port.</summary>
    public static WebApplication Build(ServeOptions options, DehazeService service, WorkQueue queue)
    {
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{options.Port}");
        long bodyLimit = options.MaxUploadBytes + FormOverheadBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = bodyLimit);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = bodyLimit);
        var app = builder.Build();

        string page = IndexPage();
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/health", () => Results.Json(new
        {
            status = "ok",
            chm = service.HasChmWeight,
            default_alpha = service.HasChmWeight ? service.DefaultAlpha : (float?)null,
            queue = new { in_use = queue.InUse, capacity = queue.Capacity },
            cached_images = service.CachedImages,
            cache_bytes = new { in_use = service.CachedBytes, budget = service.CacheBudgetBytes },
            max_upload_bytes = options.MaxUploadBytes,
            max_pixels = options.MaxPixels,
        }));
        // A Delegate, not a RequestDelegate: the returned IResult is what gets written.
        app.MapPost("/api/dehaze", (Func<HttpContext, Task<IResult>>)(http => Dehaze(http, options, service, queue)));
        return app;
    }

    static async Task<IResult> Dehaze(HttpContext http, ServeOptions options, DehazeService service, WorkQueue queue)
    {
        var request = http.Request;
        if (request.ContentLength > options.MaxUploadBytes + FormOverheadBytes) return TooLarge(options);
        // The place in the queue is taken before the upload is read: a full queue costs no memory.
        using var place = queue.TryReserve();
        if (place is null) return Error(StatusCodes.Status503ServiceUnavailable, "busy: the work queue is full, try again shortly");
        if (!request.HasFormContentType) return Error(StatusCodes.Status400BadRequest, "expected multipart/form-data with an 'image' (or 'image_id') field");

        IFormCollection form;
        try { form = await request.ReadFormAsync(http.RequestAborted); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return TooLarge(options); }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        { return Error(StatusCodes.Status400BadRequest, "malformed upload: " + e.Message); }

        var file = form.Files["image"];
        string? imageId = form["image_id"].FirstOrDefault() is { Length: > 0 } id ? id : null;
        if (file is not null && imageId is not null) return Error(StatusCodes.Status400BadRequest, "send either the field 'image' or 'image_id', not both");
        if (imageId is null && (file is null || file.Length == 0))
            return Error(StatusCodes.Status400BadRequest, "no image: send the photo in the multipart field 'image' (or 'image_id' of one sent before)");
        if (file is not null && file.Length > options.MaxUploadBytes) return TooLarge(options);
        string method = form["method"].FirstOrDefault() ?? "ridcp";
        if (method is not ("ridcp" or "dcp")) return Error(StatusCodes.Status400BadRequest, $"method must be ridcp or dcp, got '{method}'");
        float? alpha = null;
        if (form["alpha"].FirstOrDefault() is { Length: > 0 } alphaText)
        {
            if (!float.TryParse(alphaText, NumberStyles.Float, CultureInfo.InvariantCulture, out float a) || !float.IsFinite(a) || Math.Abs(a) > MaxAbsAlpha)
                return Error(StatusCodes.Status400BadRequest, $"alpha must be a number between -{MaxAbsAlpha} and {MaxAbsAlpha}, got '{alphaText}'");
            if (method == "dcp") return Error(StatusCodes.Status400BadRequest, "alpha belongs to method=ridcp, not dcp");
            alpha = a;
        }

        DehazeResult? result;
        try
        {
            if (imageId is not null)
            {
                // Only the network's encoder output is cached; the dark channel prior needs the pixels.
                if (method == "dcp") return Error(StatusCodes.Status400BadRequest, "image_id works with method=ridcp; send the image itself for dcp");
                if (!IsImageId(imageId)) return Error(StatusCodes.Status400BadRequest, $"image_id must be the {ImageIdHeader} of an earlier result (32 hex digits)");
                result = await queue.RunAsync(() => service.WithCachedImage(imageId, alpha), http.RequestAborted);
                if (result is null) return Error(StatusCodes.Status404NotFound, $"image {imageId} is no longer cached: send the image again");
            }
            else
            {
                byte[] upload;
                using (var buffer = new MemoryStream((int)file!.Length))
                {
                    await file.CopyToAsync(buffer, http.RequestAborted);
                    upload = buffer.ToArray();
                }
                result = await queue.RunAsync(() => method == "dcp" ? service.WithDarkChannelPrior(upload) : service.WithNetwork(upload, alpha), http.RequestAborted);
            }
        }
        catch (UploadTooLargeException e) { return Error(StatusCodes.Status413PayloadTooLarge, e.Message); }
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException)
        { return Error(StatusCodes.Status400BadRequest, e.Message); }

        var headers = http.Response.Headers;
        headers[ImageIdHeader] = result.ImageId;
        headers[CacheHeader] = result.CacheHit ? "hit" : "miss";
        if (result.Alpha is float used) headers[AlphaHeader] = used.ToString(CultureInfo.InvariantCulture);
        return Results.File(result.Png, "image/png");
    }

    /// <summary>The form of <see cref="DehazeService.ImageId"/>: 32 lower-case hex digits.</summary>
    static bool IsImageId(string text) => text.Length == 32 && text.All(char.IsAsciiHexDigitLower);

    /// <summary>Far beyond any useful CHM alpha (the official one is -21.25); keeps exp(α·w) finite.</summary>
    const float MaxAbsAlpha = 1000f;

    static IResult TooLarge(ServeOptions options) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"upload too large: at most {options.MaxUploadBytes} bytes");

    static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    /// <summary>The page (Serve/index.html, embedded).</summary>
    static string IndexPage()
    {
        using var stream = typeof(ServeApp).Assembly.GetManifestResourceStream("Ridcp.Cli.Serve.index.html")
            ?? throw new InvalidOperationException("the page resource Ridcp.Cli.Serve.index.html is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
