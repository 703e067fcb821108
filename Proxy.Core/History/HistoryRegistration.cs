using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TruthTable.Core.Configuration;
using TruthTable.Core.Events;

namespace TruthTable.Core.History;

public static class HistoryRegistration
{
    /// <summary>
    /// The audit history: the SQLite store, its event sink, the batch writer and the retention job. Register it
    /// before the pipeline: hosted services stop in reverse order, so the writer then stops after the pipeline
    /// and stores the outcomes the pipeline reports while shutting down.
    /// </summary>
    public static IServiceCollection AddAuditHistory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<HistoryOptions>(configuration, HistoryOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<HistoryDatabase>();
        services.AddSingleton<HistoryQueue>();
        services.AddSingleton<IAuditHistoryHealth>(sp => sp.GetRequiredService<HistoryQueue>());
        services.AddSingleton<AuditHistorySink>();
        services.AddSingleton<IAuditEventSink>(sp => sp.GetRequiredService<AuditHistorySink>());
        services.AddSingleton<AuditHistoryReader>();
        services.AddSingleton<IAuditOutcomeLookup>(sp => sp.GetRequiredService<AuditHistoryReader>());
        services.AddSingleton<AuditHistoryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditHistoryWriter>());
        services.AddSingleton<HistoryRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryRetention>());
        return services;
    }
}
