namespace TruthTable.Core.History;

/// <summary>The history database cannot be used; the message names the file and what to do about it.</summary>
public sealed class HistoryDatabaseException(string message, Exception? innerException = null)
    : Exception(message, innerException);
