namespace TruthTable.Core.Extraction;

/// <summary>The two OpenAI-compatible endpoints whose exchanges are audited.</summary>
internal enum CompletionEndpoint
{
    /// <summary><c>/chat/completions</c>: a <c>messages</c> array in, <c>message</c>/<c>delta</c> out.</summary>
    Chat,

    /// <summary>Legacy <c>/completions</c>: a <c>prompt</c> in, <c>text</c> out.</summary>
    Legacy,
}

internal static class CompletionEndpoints
{
    /// <summary>Decides by suffix, so routed prefixes such as <c>/openai/v1/chat/completions</c> still match.</summary>
    public static CompletionEndpoint? FromPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var route = path.AsSpan();
        // Azure-style upstreams put the API version in the query string.
        var query = route.IndexOf('?');
        if (query >= 0)
        {
            route = route[..query];
        }

        route = route.TrimEnd('/');
        if (route.EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase))
        {
            return CompletionEndpoint.Chat;
        }

        if (route.EndsWith("/completions", StringComparison.OrdinalIgnoreCase))
        {
            return CompletionEndpoint.Legacy;
        }

        return null;
    }
}
