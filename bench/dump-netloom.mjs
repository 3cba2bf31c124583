#!/usr/bin/env node
// One dump with netloom, for bench/dump.mjs (run inside its namespace):
// WHAT=links: nl.link.list() in the namespace it is started in;
// WHAT=routes: nl.route.list({ family: 'inet' }) in the named namespace
// `routes`. Prints the count and the in-process time of the list() call (the
// first in the process: nothing is warmed up). READ=all: then reads every
// field of every result, `raw` included (JSON.stringify), timed apart: what
// a caller who reads everything pays on top.
// Env: WHAT (links|routes), READ (all|none, default none), NETLOOM_DIST (the
// dist/index.js to load; default ../dist/index.js).
import { pathToFileURL } from 'node:url';

const { open } = await import(process.env.NETLOOM_DIST ? pathToFileURL(process.env.NETLOOM_DIST).href : '../dist/index.js');

const WHAT = process.env.WHAT ?? 'links';
const READ = process.env.READ ?? 'none';
if (WHAT !== 'links' && WHAT !== 'routes') throw new RangeError(`WHAT must be links or routes, got ${WHAT}`);
if (READ !== 'all' && READ !== 'none') throw new RangeError(`READ must be all or none, got ${READ}`);

const now = () => performance.now() / 1000;
const nl = await open(WHAT === 'routes' ? { netns: 'routes' } : {});
let count;
let t1;
let t2;
let t3;
try {
  t1 = now();
  const list = WHAT === 'links' ? await nl.link.list() : await nl.route.list({ family: 'inet' });
  t2 = now();
  count = list.length;
  let bytes = 0;
  if (READ === 'all') for (const item of list) bytes += JSON.stringify(item).length;
  t3 = now();
  if (READ === 'all' && bytes === 0) throw new Error('nothing read');
} finally {
  await nl.close();
}
const f = (a, b) => (b - a).toFixed(3);
console.log(`DUMP netloom ok: ${count} ${WHAT}; list ${f(t1, t2)}s read ${f(t2, t3)}s`);
