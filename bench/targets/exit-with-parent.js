// Preloaded (`node --import`) into every benchmark server: when the benchmark runner goes away,
// its IPC channel closes and the server stops, so no server outlives a run, however it ended.
if (process.channel) {
  process.channel.unref()
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
}
