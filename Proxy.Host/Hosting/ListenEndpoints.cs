using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using TruthTable.Core.Configuration;

namespace TruthTable.Host.Hosting;

/// <summary>Kestrel endpoints from the options (Proxy:Url, EmbeddedEngine:Url) rather than ASPNETCORE_URLS.</summary>
public static class ListenEndpoints
{
    public static WebApplicationBuilder AddProxyEndpoint(this WebApplicationBuilder builder)
    {
        var url = builder.Configuration.GetSection(ProxyOptions.SectionName).Get<ProxyOptions>()?.Url ?? new ProxyOptions().Url;
        // Cleartext HTTP/2 would need prior knowledge, which OpenAI clients do not use: HTTP/1.1 only, no warning.
        return builder.AddListenEndpoint(url, HttpProtocols.Http1);
    }

    public static WebApplicationBuilder AddListenEndpoint(this WebApplicationBuilder builder, Uri url, HttpProtocols protocols)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException(
                $"Listen URL '{url}' must use http://; terminate TLS in front of TruthTable.");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            void Configure(ListenOptions listen) => listen.Protocols = protocols;
            switch (url.Host)
            {
                case "localhost":
                    kestrel.ListenLocalhost(url.Port, Configure);
                    break;
                case "0.0.0.0" or "[::]":
                    kestrel.ListenAnyIP(url.Port, Configure);
                    break;
                default:
                    kestrel.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port, Configure);
                    break;
            }
        });
        return builder;
    }
}
