using NtkSweep.Benchmarks;

return BenchmarkEntry.Run(args);
