namespace TruthTable.Core.Extraction;

/// <summary>One piece of text the model was given alongside the question (a system prompt, a tool result, an earlier turn).</summary>
/// <param name="Id">Where the text came from, e.g. <c>messages[2]</c>, so an audit can point back at it.</param>
public sealed record ContextSnippet(string Id, string Content);

/// <summary>What an audit needs from one LLM exchange: who answered, what was asked, what was answered, and with what context.</summary>
public sealed record AuditableExchange(string Model, string Query, string Answer, IReadOnlyList<ContextSnippet> Context);
