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
/// Every refusal is JSON {"error": "..."}: 400 bad request or not an image, 413 too many bytes or pixels, 503 queue full.</summary>
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
        if (!request.HasFormContentType) return Error(StatusCodes.Status400BadRequest, "expected multipart/form-data with an 'image' field");

        IFormCollection form;
        try { form = await request.ReadFormAsync(http.RequestAborted); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return TooLarge(options); }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        { return Error(StatusCodes.Status400BadRequest, "malformed upload: " + e.Message); }

        var file = form.Files["image"];
        if (file is null || file.Length == 0) return Error(StatusCodes.Status400BadRequest, "no image: send the photo in the multipart field 'image'");
        if (file.Length > options.MaxUploadBytes) return TooLarge(options);
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

        byte[] upload;
        using (var buffer = new MemoryStream((int)file.Length))
        {
            await file.CopyToAsync(buffer, http.RequestAborted);
            upload = buffer.ToArray();
        }
        DehazeResult result;
        try
        {
            result = await queue.RunAsync(() => method == "dcp" ? service.WithDarkChannelPrior(upload) : service.WithNetwork(upload, alpha), http.RequestAborted);
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
