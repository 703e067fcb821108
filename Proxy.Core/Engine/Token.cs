namespace TruthTable.Core.Engine;

internal enum TokenShape
{
    Word,
    Number,
    /// <summary>Letters and digits together, such as "v2", "mp3" or "ES2015": an identifier.</summary>
    Identifier,
}

/// <param name="Text">The token as written, apostrophes normalised; numbers already canonical ("10,100" → "10100").</param>
/// <param name="IsFirstInText">Capitalisation of the first word says nothing about proper nouns.</param>
/// <param name="IsFollowedByComma">"Typically, …": a capitalised opener followed by a comma is a discourse word.</param>
internal readonly record struct Token(string Text, TokenShape Shape, bool IsFirstInText, bool IsFollowedByComma);
