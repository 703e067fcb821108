using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace TruthTable.Host.Dashboard;

/// <summary>
/// The live audit dashboard: index.html at "/" and each file of wwwroot at its own path, as endpoints. The static
/// files middleware cannot be used: it serves only requests that matched no endpoint, and the proxy's catch-all
/// route matches every path. Endpoints with literal paths win over the catch-all, so only these exact paths are
/// taken from the upstream.
/// </summary>
public static class DashboardRegistration
{
    public const string IndexFile = "index.html";

    // The page runs only its own scripts and talks only to this host (the hub and POST /api/audits), so injected
    // markup could neither run nor send anything anywhere, on top of the page inserting LLM text as text.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // dotnet publish adds .gz and .br copies of each file; they are not pages of their own.
    private static readonly HashSet<string> PrecompressedExtensions = new(StringComparer.OrdinalIgnoreCase) { ".gz", ".br" };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var files = endpoints.ServiceProvider.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider;
        var contentTypes = new FileExtensionContentTypeProvider();
        var dashboard = endpoints.MapGroup("").WithTags("Dashboard");

        dashboard.MapGet("/", (HttpContext context) => Serve(context, files, IndexFile, contentTypes));
        foreach (var path in ListFiles(files, ""))
        {
            dashboard.MapGet("/" + path, (HttpContext context) => Serve(context, files, path, contentTypes));
        }

        return endpoints;
    }

    private static IResult Serve(HttpContext context, IFileProvider files, string path, FileExtensionContentTypeProvider contentTypes)
    {
        var file = files.GetFileInfo(path);
        if (!file.Exists)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: path == IndexFile
                    ? "The dashboard is not in wwwroot; build Proxy.Host (it runs npm ci and copies the SignalR client)."
                    : $"'{path}' is no longer in wwwroot.");
        }

        var headers = context.Response.Headers;
        // Revalidate every time (cheap: ETag and 304), so a rebuilt dashboard is never mixed with a cached one.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (path == IndexFile)
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }

        var contentType = contentTypes.TryGetContentType(path, out var known) ? known : "application/octet-stream";
        var etag = new EntityTagHeaderValue($"\"{file.LastModified.UtcTicks:x}-{file.Length:x}\"");
        return TypedResults.Stream(file.CreateReadStream(), contentType, lastModified: file.LastModified, entityTag: etag);
    }

    private static IEnumerable<string> ListFiles(IFileProvider files, string directory)
    {
        foreach (var entry in files.GetDirectoryContents(directory))
        {
            var path = directory.Length == 0 ? entry.Name : directory + "/" + entry.Name;
            if (entry.IsDirectory)
            {
                foreach (var nested in ListFiles(files, path))
                {
                    yield return nested;
                }
            }
            else if (!PrecompressedExtensions.Contains(Path.GetExtension(entry.Name)))
            {
                yield return path;
            }
        }
    }
}
