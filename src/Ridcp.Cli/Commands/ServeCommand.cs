using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Ridcp.Cli.Serve;
using Ridcp.Inference;
using Ridcp.Inference.Streaming;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp serve`: the local web app (Serve/ServeApp): drop a photo, move the CHM α slider, compare with DCP.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServeOptions();
        var host = new Option<string>("--host") { Description = "Address to listen on (loopback by default; 0.0.0.0 exposes the app to the network)", DefaultValueFactory = _ => defaults.Host };
        var port = new Option<int>("--port") { Description = "Port to listen on", DefaultValueFactory = _ => defaults.Port };
        var weights = new Option<string?>("--weights")
        { Description = $"Network checkpoint; default: {BundledModel.RelativePath}" };
        var chm = new Option<string?>("--chm-weight")
        { Description = $"CHM weight file for the α slider; with the bundled model, {BundledModel.ChmWeightRelativePath}" };
        var alpha = new Option<float?>("--alpha")
        { Description = $"α used when a request gives none (default {Dehazer.OfficialAlpha.ToString(CultureInfo.InvariantCulture)})" };
        // The α slider keeps whole-image encoder outputs (no tiling), so the server halves large images by default.
        var maxSize = new Option<int?>("--max-size")
        { Description = $"Images with h*w >= max-size^2 are processed at half size (official rule; default {MaxSizeRule.OfficialMaxSize}, bounding the memory a cached image holds)", DefaultValueFactory = _ => MaxSizeRule.OfficialMaxSize };
        var maxPixels = new Option<long>("--max-pixels")
        { Description = "Largest upload in pixels, read from the image header before decoding (413 above)", DefaultValueFactory = _ => defaults.MaxPixels };
        var maxUpload = new Option<int>("--max-upload-mb")
        { Description = "Largest upload in MiB (413 above)", DefaultValueFactory = _ => (int)(defaults.MaxUploadBytes >> 20) };
        var queue = new Option<int>("--queue")
        { Description = "Requests that may wait while one runs; more get 503", DefaultValueFactory = _ => defaults.WaitingSlots };
        var cache = new Option<int>("--cache")
        { Description = "Uploaded images whose encoder output is kept for the α slider", DefaultValueFactory = _ => defaults.CachedImages };
        var cacheMemory = new Option<string?>("--cache-memory")
        { Description = $"Memory the cached encoder outputs may hold, such as 600M or 2G (least recently used dropped first; default: {ServeOptions.DefaultCacheShareOfBudget * 100:0}% of the memory budget, which is {MemoryBudget.DefaultShareOfAvailable * 100:0}% of the available memory)" };
        var device = CommonOptions.Device();
        var verbose = CommonOptions.Verbose();

        var cmd = new Command("serve", "Local web app: dehaze photos in the browser, move the CHM α slider, compare with DCP");
        foreach (var o in new Option[] { host, port, weights, chm, alpha, maxSize, maxPixels, maxUpload, queue, cache, cacheMemory, device, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse => CliErrors.Run(parse, parse.GetValue(verbose), () =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var serve = new ServeOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                MaxPixels = parse.GetValue(maxPixels),
                MaxUploadBytes = (long)parse.GetValue(maxUpload) << 20,
                WaitingSlots = parse.GetValue(queue),
                CachedImages = parse.GetValue(cache),
                CacheMemoryBytes = parse.GetValue(cacheMemory) is string size ? MemoryBudget.Parse(size) : null,
            };
            serve.Validate();
            var options = new DehazerOptions
            {
                WeightsPath = parse.GetValue(weights) ?? "",
                ChmWeightPath = parse.GetValue(chm),
                Alpha = parse.GetValue(alpha),
                MaxSize = parse.GetValue(maxSize),
                Device = parse.GetValue(device) ?? "cpu",
            };
            options = BundledModel.Complete(options, needsChm: true);
            options.Validate();
            var dehazer = Dehazer.Load(options);
            using var service = new DehazeService(dehazer, options.ChmWeightPath is not null, serve.MaxPixels, serve.CachedImages, serve.CacheBudgetBytes(dehazer.MemoryBudgetBytes));
            using var work = new WorkQueue(serve.WaitingSlots);
            using var app = ServeApp.Build(serve, service, work);
            app.Start();
            stdout.WriteLine($"model: {options.WeightsPath}{(options.ChmWeightPath is null ? " (no CHM weight: plain matching)" : $", CHM weight {options.ChmWeightPath}")}");
            stdout.WriteLine($"encoder-output cache: {serve.CachedImages} images, {MemoryBudget.Describe(service.CacheBudgetBytes)}");
            foreach (var url in app.Urls) stdout.WriteLine($"serving on {url} (Ctrl+C stops)");
            app.WaitForShutdown();
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
