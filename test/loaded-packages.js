// Preload (node -r) that prints, as the process exits, the packages it loaded: one JSON line on
// stderr, `loaded-packages: [...]`, for tests that keep an entry point from loading more than it needs.
process.on('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (name) packages.add(name[1]);
  }
  process.stderr.write(`loaded-packages: ${JSON.stringify([...packages].sort())}\n`);
});
