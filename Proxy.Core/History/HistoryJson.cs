using System.Text.Json;
using System.Text.Json.Serialization;
using TruthTable.Core.Extraction;

namespace TruthTable.Core.History;

/// <summary>Source-generated JSON for the structured columns (claims, step timings, context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<StoredClaim>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
[JsonSerializable(typeof(IReadOnlyList<ContextSnippet>))]
internal sealed partial class HistoryJson : JsonSerializerContext;
