using Microsoft.AspNetCore.Builder;
using Ridcp.Checkpoints;
using Ridcp.Cli.Serve;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Tests.Cli;
using static TorchSharp.torch;

namespace Ridcp.Tests.Serve;

/// <summary>`ridcp serve`'s app, started in process on a free loopback port with the small test network and a CHM
/// weight; <see cref="Client"/> talks to it over real HTTP. The tests' scaffolding for the web app.</summary>
sealed class ServedApp : IAsyncDisposable
{
    readonly TempFolder folder;
    readonly WebApplication app;

    public HttpClient Client { get; }
    public Uri Address { get; }
    public WorkQueue Queue { get; }
    public DehazeService Service { get; }
    public string WeightsPath { get; }
    public string ChmWeightPath { get; }

    ServedApp(WebApplication app, HttpClient client, Uri address, WorkQueue queue, DehazeService service, TempFolder folder, string weights, string chm)
    {
        this.app = app; Client = client; Address = address; Queue = queue; Service = service; this.folder = folder;
        WeightsPath = weights; ChmWeightPath = chm;
    }

    /// <param name="bundledModel">serve models/ridcp-small with its CHM weight (what `ridcp serve` serves by
    /// default) instead of the small test network with a made-up CHM weight</param>
    public static async Task<ServedApp> StartAsync(ServeOptions? options = null, bool bundledModel = false)
    {
        options = (options ?? new ServeOptions()) with { Host = "127.0.0.1", Port = 0 };
        var folder = new TempFolder();
        string weights, chm;
        if (bundledModel) (weights, chm) = (BundledModel.Resolve(), BundledModel.ResolveChmWeight());
        else
        {
            weights = TestCheckpoints.WriteSmall(folder.File("small.pth"));
            chm = folder.File("chm.pth");
            using var w = linspace(-0.01, 0.01, TestCheckpoints.Small.CodebookParams[0].Size);
            CheckpointWriter.WriteTensor(chm, w);
        }
        var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = weights, ChmWeightPath = chm });
        var service = new DehazeService(dehazer, hasChmWeight: true, options.MaxPixels, options.CachedImages, options.CacheBudgetBytes(dehazer.MemoryBudgetBytes));
        var queue = new WorkQueue(options.WaitingSlots);
        var app = ServeApp.Build(options, service, queue);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new ServedApp(app, new HttpClient { BaseAddress = address }, address, queue, service, folder, weights, chm);
    }

    /// <summary>A deterministic test photo (sides over 16 px, as the network's padding needs).</summary>
    public static RgbImage Photo(int width = 40, int height = 35)
    {
        var img = new RgbImage(width, height);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)((i * 29 % 97) / 96.0);
        return img;
    }

    /// <summary>POST /api/dehaze with the fields given (null values left out).</summary>
    public Task<HttpResponseMessage> DehazeAsync(byte[] image, string? alpha = null, string? method = null) =>
        PostAsync(image, imageId: null, alpha, method);

    /// <summary>POST /api/dehaze naming an earlier upload by its id instead of sending it.</summary>
    public Task<HttpResponseMessage> DehazeCachedAsync(string imageId, string? alpha = null, string? method = null) =>
        PostAsync(image: null, imageId, alpha, method);

    Task<HttpResponseMessage> PostAsync(byte[]? image, string? imageId, string? alpha, string? method)
    {
        var form = new MultipartFormDataContent();
        if (image is not null)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new("image/png");
            form.Add(file, "image", "photo.png");
        }
        if (imageId is not null) form.Add(new StringContent(imageId), "image_id");
        if (alpha is not null) form.Add(new StringContent(alpha), "alpha");
        if (method is not null) form.Add(new StringContent(method), "method");
        return Client.PostAsync("/api/dehaze", form);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Service.Dispose();
        Queue.Dispose();
        folder.Dispose();
    }
}
