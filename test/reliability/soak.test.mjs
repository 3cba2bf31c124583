// The short version of the leak soak (bench/soak.mjs runs 100,000
// operations): a few thousand mixed operations in anonymous namespaces, then
// the process's fds (namespace fds among them) and the host's links are as
// before. (The kernel-wide namespace count is checked by the full soak, run
// alone: other test files make namespaces of their own meanwhile.)
import t from 'tap';
import { fdCount, hostLinks, netnsFdCount, runSoak } from '../../bench/soak.mjs';

t.test('2,000 mixed operations leak no fd, namespace or link', async (t) => {
  const before = { fds: fdCount(), netnsFds: netnsFdCount(), links: hostLinks() };
  const r = await runSoak({ ops: 2000 });
  t.ok(r.ops >= 2000, `${r.ops} operations in ${r.seconds.toFixed(1)} s, ${r.created} namespaces made`);
  t.ok(r.end.fds <= before.fds, `fds: ${before.fds} before, ${r.end.fds} after`);
  t.equal(r.end.netnsFds, before.netnsFds, 'no namespace fd left open');
  t.same(r.end.links, before.links, 'the host has the links it had');
});
