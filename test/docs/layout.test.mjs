// The layout README's "How it works" draws, held to: lib/ is a stack of
// layers whose imports only point down, the rtnetlink objects are peers
// that never import one another, and every file is small and opens by
// saying what it is for. Reads the TypeScript sources; needs nothing.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));
const files = readdirSync(LIB, { recursive: true }).filter((f) => f.endsWith('.ts')).map((f) => f.replaceAll('\\', '/'));
const OBJECTS = ['link', 'addr', 'route', 'neigh', 'fdb', 'rule', 'nsid', 'nexthop', 'tc'];

/** The layer of a file under lib/, top (entry points) to bottom (the engine). */
function layerOf(file) {
  if (['index.ts', 'testing.ts', 'cli.ts'].includes(file)) return 'entry';
  const [top, second] = file.split('/');
  if (top === 'rtnl') return second === 'handle.ts' ? 'rtnl/handle' : second === 'values' ? 'rtnl/values' : 'rtnl/objects';
  return top;
}
const ORDER = ['entry', 'cli', 'cni', 'topology', 'rtnl/handle', 'monitor', 'rtnl/objects', 'wireguard', 'rtnl/values', 'nft', 'conntrack', 'tun', 'netns', 'netlink', 'gen'];

function importsOf(file) {
  const src = readFileSync(join(LIB, file), 'utf8');
  return [...src.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)\.js'/g)].map((m) => relative(LIB, normalize(join(LIB, dirname(file), `${m[1]}.ts`))));
}

t.test('every import points to the same layer or one below it', (t) => {
  const up = [];
  t.same(files.filter((f) => !ORDER.includes(layerOf(f))), [], 'every file belongs to a layer');
  for (const file of files) {
    const from = ORDER.indexOf(layerOf(file));
    for (const target of importsOf(file)) {
      if (ORDER.indexOf(layerOf(target)) < from) up.push(`${file} -> ${target}`);
    }
  }
  t.same(up, [], 'no import points up');
  t.end();
});

t.test('no rtnetlink object imports another object', (t) => {
  const across = [];
  for (const file of files.filter((f) => layerOf(f) === 'rtnl/objects')) {
    const own = file.split('/')[1];
    for (const target of importsOf(file)) {
      const [top, object] = target.split('/');
      if (top === 'rtnl' && OBJECTS.includes(object) && object !== own) across.push(`${file} -> ${target}`);
    }
  }
  t.same(across, []);
  t.end();
});

t.test('files are small and open with what they are for', (t) => {
  const big = [];
  const silent = [];
  for (const file of files) {
    const lines = readFileSync(join(LIB, file), 'utf8').split('\n');
    // Generated tables are as long as the kernel's specs make them.
    if (!file.startsWith('gen/') && lines.length > 400) big.push(`${file}: ${lines.length} lines`);
    const first = lines.find((l) => !l.startsWith('#!'));
    if (!/^(\/\*\*|\/\/)/.test(first ?? '')) silent.push(file);
  }
  t.same(big, [], 'no hand-written file over 400 lines');
  t.same(silent, [], 'every file opens with a comment');
  t.end();
});
