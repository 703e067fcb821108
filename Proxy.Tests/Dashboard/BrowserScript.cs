using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace TruthTable.Tests.Dashboard;

/// <summary>
/// Runs a Playwright script of Proxy.Tests/Browser under node. The script asks the test for host-side steps by
/// writing {"op": ...} lines; <see cref="RunAsync"/> answers each with the handler's reply on the script's stdin.
/// The script's last line is {"result": "pass" | "fail", ...}.
/// </summary>
internal sealed class BrowserScript
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private const string SetupHint = "Run .ci/run, or: apt-get install -y chromium && npm ci --prefix Proxy.Tests/Browser";

    private BrowserScript(string directory) => Directory = directory;

    public string Directory { get; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The scripts' folder, after checking that node, Chromium and playwright-core are there (fails, never skips).</summary>
    public static BrowserScript Locate()
    {
        var directory = Path.Combine(RepositoryRoot, "Proxy.Tests", "Browser");
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium is not installed at {ChromiumPath}. {SetupHint}");
        }

        if (!System.IO.Directory.Exists(Path.Combine(directory, "node_modules", "playwright-core")))
        {
            Assert.Fail($"playwright-core is not installed in {directory}/node_modules. {SetupHint}");
        }

        return new BrowserScript(directory);
    }

    public sealed record Outcome(JsonObject Result, string Log);

    /// <summary>Runs the script to its result line; each {"op"} line is answered by <paramref name="handle"/>.</summary>
    public async Task<Outcome> RunAsync(
        string script, IEnumerable<string> arguments, Func<JsonObject, Task<JsonObject>> handle, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = StartNode(start);
        var log = new StringBuilder();
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (JsonNode.Parse(line) is not JsonObject message)
                {
                    continue;
                }

                if (message["log"] is { } text)
                {
                    log.AppendLine(text.GetValue<string>());
                }
                else if (message["op"] is not null)
                {
                    log.AppendLine($"host: {message.ToJsonString()}");
                    var reply = await AnswerAsync(handle, message);
                    await process.StandardInput.WriteLineAsync(reply.ToJsonString());
                    await process.StandardInput.FlushAsync(cts.Token);
                }
                else if (message["result"] is not null)
                {
                    await process.WaitForExitAsync(cts.Token);
                    return new Outcome(message, log.ToString());
                }
            }

            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within {timeout}.\n{log}\nstderr:\n{stderr}");
        }

        Assert.Fail($"{script} exited with {process.ExitCode} without a result line.\n{log}\nstderr:\n{stderr}");
        return null!;
    }

    private static Process StartNode(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node could not be started ({e.Message}). Install Node.js 20+. {SetupHint}");
            throw;
        }
    }

    private static async Task<JsonObject> AnswerAsync(Func<JsonObject, Task<JsonObject>> handle, JsonObject message)
    {
        try
        {
            return await handle(message);
        }
        catch (Exception e)
        {
            // The script reports it as its failure, with the step it was at.
            return new JsonObject { ["error"] = e.ToString() };
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TruthTable.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No TruthTable.sln above {AppContext.BaseDirectory}.");
    }
}
