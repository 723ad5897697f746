// Bundles the dashboard (services/gateway/ui/src) into dist/gateway-ui: one hashed script, one
// hashed stylesheet (uPlot's and ours), and index.html naming them. Run by `npm run build`.
const { readFileSync, rmSync, writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..', '..', '..');
const outdir = join(root, 'dist', 'gateway-ui');

async function build() {
  rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [join(__dirname, 'src', 'main.js')],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2020'],
    entryNames: '[name]-[hash]',
    outdir,
    metafile: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const named = (ext) => {
    const file = outputs.find((name) => name.endsWith(ext));
    if (!file) throw new Error(`the dashboard build wrote no ${ext} file`);
    return file;
  };
  const page = readFileSync(join(__dirname, 'index.html'), 'utf8')
    .replace('{{js}}', named('.js'))
    .replace('{{css}}', named('.css'));
  writeFileSync(join(outdir, 'index.html'), page);
}

build().catch((error) => {
  console.error(error);
  process.exit(1);
});
