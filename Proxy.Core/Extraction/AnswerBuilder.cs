using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace TruthTable.Core.Extraction;

/// <summary>
/// Collects answer text from a whole choice or from stream deltas, remembering why it may be empty. The text grows
/// in a pooled char buffer, so a stream's deltas cost no allocation each; a single piece (a JSON answer) is kept as
/// the string it already is. Dispose to return the buffer.
/// </summary>
internal sealed class AnswerBuilder : IDisposable
{
    private const int InitialChars = 1024;

    private string? _single;
    private char[]? _buffer;
    private int _length;
    private bool _sawToolCall;
    private bool _sawRefusal;

    /// <summary>Adds the text of a choice read as a document (a JSON answer, or a stream chunk off the fast path).</summary>
    public void Add(JsonElement choice)
    {
        if (choice.TryGetPropertyOfKind("message", JsonValueKind.Object, out var message)
            || choice.TryGetPropertyOfKind("delta", JsonValueKind.Object, out message))
        {
            Append(MessageContent.ReadContentOf(message));
            _sawToolCall |= message.TryGetPropertyOfKind("tool_calls", JsonValueKind.Array, out var calls) && calls.GetArrayLength() > 0
                || message.TryGetPropertyOfKind("function_call", JsonValueKind.Object, out _);
            _sawRefusal |= !string.IsNullOrEmpty(message.GetStringOrNull("refusal"));
            return;
        }

        Append(choice.GetStringOrNull("text"));
    }

    /// <summary>Adds a JSON string token's text, unescaped straight into the buffer.</summary>
    /// <exception cref="InvalidOperationException">The string holds bytes that are not valid UTF-8.</exception>
    public void AppendString(ref Utf8JsonReader token)
    {
        // A UTF-8 byte never decodes to more than one UTF-16 char, and unescaping only shortens.
        var maxChars = token.HasValueSequence ? checked((int)token.ValueSequence.Length) : token.ValueSpan.Length;
        if (maxChars == 0)
        {
            return;
        }

        var written = token.CopyString(Reserve(maxChars));
        _length += written;
    }

    public void Append(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        if (_single is null && _length == 0)
        {
            _single = text;
            return;
        }

        text.CopyTo(Reserve(text.Length));
        _length += text.Length;
    }

    public bool TryBuild(
        string? model,
        [NotNullWhen(true)] out ParsedResponse? response,
        [NotNullWhen(false)] out ExtractionOutcome? skip)
    {
        var text = _single is not null && _length == 0 ? _single.AsSpan() : _buffer.AsSpan(0, _length);
        if (text.IsWhiteSpace())
        {
            response = null;
            skip = ExtractionOutcome.Skip(SkipReasons.EmptyAnswer, _sawToolCall
                ? "answer is a tool call, not text"
                : _sawRefusal ? "answer is a refusal, not text" : "answer has no text");
            return false;
        }

        response = new ParsedResponse(model, _single is not null && _length == 0 ? _single : new string(text));
        skip = null;
        return true;
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    /// <summary>Room for <paramref name="chars"/> more chars after the text so far (a kept single string moves in first).</summary>
    private Span<char> Reserve(int chars)
    {
        var pending = _single;
        _single = null;
        var needed = _length + (pending?.Length ?? 0) + chars;
        if (_buffer is null || _buffer.Length < needed)
        {
            var grown = ArrayPool<char>.Shared.Rent(Math.Max(needed, Math.Max(InitialChars, (_buffer?.Length ?? 0) * 2)));
            _buffer?.AsSpan(0, _length).CopyTo(grown);
            if (_buffer is not null)
            {
                ArrayPool<char>.Shared.Return(_buffer);
            }

            _buffer = grown;
        }

        if (pending is not null)
        {
            pending.CopyTo(_buffer.AsSpan(_length));
            _length += pending.Length;
        }

        return _buffer.AsSpan(_length, chars);
    }
}
