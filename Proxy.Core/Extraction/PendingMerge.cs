// TEMPORARY: stand-in for the extraction branch; removed when it is merged.
using System.Buffers;
namespace TruthTable.Core.Extraction;
public sealed record ContextSnippet(string Id, string Content);
public sealed record AuditableExchange(string Model, string Query, string Answer, IReadOnlyList<ContextSnippet> Context);
public static class SkipReasons { public const string TooLarge="too_large", Truncated="truncated", UpstreamStatus="upstream_status", Unparseable="unparseable", EmptyAnswer="empty_answer"; }
public sealed record ExtractionOutcome(AuditableExchange? Exchange, string? SkipReason, string? SkipDetail)
{ public static ExtractionOutcome Audit(AuditableExchange e) => new(e, null, null); public static ExtractionOutcome Skip(string reason, string detail) => new(null, reason, detail); public bool IsAuditable => Exchange is not null; }
public readonly record struct DecodeResult(ReadOnlyMemory<byte> Body, string? FailureReason, string? FailureDetail) { public bool Succeeded => FailureReason is null; }
public static class CapturedBodyDecoder { public static DecodeResult Decode(ReadOnlySequence<byte> body, string? contentEncoding, int maxDecodedBytes) => new(body.ToArray(), null, null); }
public sealed class OpenAiExchangeExtractor { public ExtractionOutcome Extract(string path, int statusCode, ReadOnlyMemory<byte> requestBody, ReadOnlyMemory<byte> responseBody, string? responseContentType) => throw new NotImplementedException(); }
