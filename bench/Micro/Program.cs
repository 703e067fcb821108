using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Micro -- --filter '*'   (bench/run.sh micro runs it with a short job)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
