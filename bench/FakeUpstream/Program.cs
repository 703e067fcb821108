using TruthTable.Bench.FakeUpstream;

// A fast OpenAI-compatible upstream for the benchmarks: answers from precomputed bytes, never parses the request.
// X-Bench-Shape picks the answer: json (small chat completion, the default), sse (200 chunks), big (64 KiB JSON).
// X-Bench-Gap-Ms spaces SSE chunks, so buffering in a proxy shows up as late or bunched chunks at the client.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapPost("/v1/chat/completions", BenchResponses.WriteAsync);
app.MapPost("/v1/completions", BenchResponses.WriteAsync);
app.MapGet("/health", () => "ok");
app.Run();
