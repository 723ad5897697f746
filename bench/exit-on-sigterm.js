// Preloaded into a profiled process (bench/api.ts, BENCH_API_CPU_PROF): exits normally on SIGTERM,
// before the service's own shutdown re-raises the signal, so that node writes its --cpu-prof file.
process.once('SIGTERM', () => process.exit(0));
