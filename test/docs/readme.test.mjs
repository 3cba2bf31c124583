// The README's code blocks are what a user pastes: each ```ts/```js block
// must parse as an ES module on the Node this package supports (Node 20 has
// no `await using`), checked with `node --check`.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/^```(ts|js|mjs)\n([\s\S]*?)^```$/gm)].map((m) => ({ line: readme.slice(0, m.index).split('\n').length, code: m[2] }));

t.test('every code block of the README parses on this Node as an ES module', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.ok(blocks.length >= 5, `${blocks.length} blocks`);
  for (const { line, code } of blocks) {
    const file = join(dir, `block-${line}.mjs`);
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    t.equal(r.status, 0, `README.md:${line} parses on Node ${process.versions.node}${r.status === 0 ? '' : `: ${r.stderr.split('\n').find((l) => /Error/.test(l))}`}`);
  }
  t.end();
});

t.test("the README's list of witness packages is test/preflight.mjs's", async (t) => {
  const { WITNESSES } = await import('../preflight.mjs');
  const section = readme.slice(readme.indexOf('### What the tests need'), readme.indexOf('`npm test` runs node-tap'));
  const rows = [...section.matchAll(/^\| ([a-z0-9-]+|---) \| (.+) \|$/gm)].filter((m) => m[1] !== 'package' && m[1] !== '---');
  const listed = Object.fromEntries(rows.map((m) => [m[1], [...m[2].matchAll(/`([^`]+)`/g)].map((p) => p[1])]));
  t.strictSame(listed, WITNESSES);
});
