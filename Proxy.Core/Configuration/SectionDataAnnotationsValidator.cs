using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TruthTable.Core.Configuration;

/// <summary>Data-annotations validation whose messages name the full configuration key.</summary>
internal sealed class SectionDataAnnotationsValidator<TOptions>(string sectionName) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = results.Select(r =>
        {
            var members = string.Join(", ", r.MemberNames.Select(m => $"{sectionName}:{m}"));
            return $"{members}: {r.ErrorMessage}";
        });
        return ValidateOptionsResult.Fail(failures);
    }
}
