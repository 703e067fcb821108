using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TruthTable.Core.Configuration;

public static class OptionsRegistration
{
    /// <summary>
    /// Binds a section, validates its data annotations at start and reports every bad key at once, named with
    /// the section prefix (e.g. "Audit:Workers"), so a bad value stops the host with a message that names it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(
        this IServiceCollection services, IConfiguration configuration, string sectionName)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionDataAnnotationsValidator<TOptions>(sectionName));
        return services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(sectionName), binder => binder.ErrorOnUnknownConfiguration = false)
            .ValidateOnStart();
    }
}

public static class OptionsStartupValidation
{
    /// <summary>
    /// Runs every ValidateOnStart check now, reporting all bad keys together. Needed because mapping the proxy
    /// builds its middleware (and so reads options) before the host would run the checks itself.
    /// </summary>
    public static void ValidateOptionsNow(this IServiceProvider services) =>
        services.GetService<IStartupValidator>()?.Validate();
}
