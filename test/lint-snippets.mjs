// Lints snippets of code as if each sat at a path of this repository, with its ESLint config, and
// prints every snippet's messages as JSON. Read from stdin: [{ "file": "cli/src/x.ts", "code": "..." }].
// A separate process because the config is an ES module, which Jest's CommonJS runtime cannot load.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const snippets = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: root });
const messages = [];
for (const { file, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  messages.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(messages));
