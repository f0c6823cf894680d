namespace Ridcp.Cli.Serve;

/// <summary>An upload over the web app's pixel limit (answered 413, apart from "not an image", 400).</summary>
public sealed class UploadTooLargeException(string message) : Exception(message);
