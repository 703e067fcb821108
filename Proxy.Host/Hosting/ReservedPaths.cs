namespace TruthTable.Host.Hosting;

public static class ReservedPaths
{
    private static readonly string[] Prefixes = ["/api", "/health", "/hubs"];

    /// <summary>
    /// TruthTable owns these prefixes: an unknown path under them is a 404 problem, never proxied upstream.
    /// Mapped last with a low precedence, so the real endpoints under the prefixes win.
    /// </summary>
    public static IEndpointRouteBuilder MapReservedPathFallbacks(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            endpoints.Map(prefix + "/{**rest}", () => TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Not found",
                    detail: $"'{prefix}' is reserved by TruthTable and has no such endpoint."))
                .WithOrder(int.MaxValue - 1);
        }

        return endpoints;
    }
}
