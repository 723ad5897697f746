import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { itWhen } from '@federa/testing';

// Users and contributors only have the repository: every fact a file relies on is said in the file
// or on a page of docs/, never by pointing at notes that live elsewhere.

const root = resolve(__dirname, '..');
const thisFile = relative(root, __filename);

/** Names of documents that are not part of the repository, and paths that lead outside it. */
const outsideCitations = [
  /\b(?:ARCHITECTURE|CONTRACT|STYLE)\.md\b/,
  /\bMACHINE-FACTS\b/,
  /\.\.\/shared\//,
  /\bshared\/design\b/,
  /(?:^|[\s`'"(])\/work\//,
];

/** Relative targets of Markdown links and images: `[text](target)`. */
const markdownLink = /\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g;

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && file !== thisFile && existsSync(join(root, file)));
}

function textOf(file: string): string | undefined {
  const bytes = readFileSync(join(root, file));
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

function linksOutside(file: string, line: string): string[] {
  return [...line.matchAll(markdownLink)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('/'))
    .filter((target) => {
      const path = relative(root, resolve(root, dirname(file), target));
      return path === '..' || path.startsWith(`..${sep}`);
    });
}

const notAGitCheckout = existsSync(join(root, '.git')) ? undefined : 'not a git checkout';

describe('files of the repository', () => {
  itWhen(notAGitCheckout)('cite no document outside the repository', () => {
    const citations: string[] = [];
    for (const file of trackedFiles()) {
      const text = textOf(file);
      if (text === undefined) continue;
      text.split('\n').forEach((line, i) => {
        if (outsideCitations.some((pattern) => pattern.test(line)))
          citations.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(citations).toEqual([]);
  });

  itWhen(notAGitCheckout)('link in Markdown only to files inside the repository', () => {
    const links: string[] = [];
    for (const file of trackedFiles().filter((f) => f.endsWith('.md'))) {
      (textOf(file) ?? '').split('\n').forEach((line, i) => {
        for (const target of linksOutside(file, line)) links.push(`${file}:${i + 1}: ${target}`);
      });
    }
    expect(links).toEqual([]);
  });
});
