namespace TruthTable.Bench;

/// <summary>Reads <c>--name value</c> pairs after the mode word; every bench tool takes its options this way.</summary>
public sealed class BenchArgs(string[] args)
{
    public string Mode => args.Length > 0 ? args[0] : "";

    public string Get(string name, string? fallback = null)
    {
        var i = Array.IndexOf(args, "--" + name);
        if (i >= 0 && i + 1 < args.Length)
        {
            return args[i + 1];
        }

        return fallback ?? throw new ArgumentException($"--{name} is required");
    }

    public int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

    public double GetDouble(string name, double fallback) => double.Parse(Get(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);
}
