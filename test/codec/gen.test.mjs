// The generated rtnetlink tables (native/gen/rtnl_tables.inc, lib/gen/rtnl.ts)
// must match what tools/gen-rtnl.mjs produces from the specs: regenerate after
// changing spec/, tools/rtnl-extras.yaml or the generator (npm run gen).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

t.test('generated rtnl tables are up to date', async (t) => {
  const run = spawnSync(process.execPath, ['tools/gen-rtnl.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  t.equal(run.status, 0, `gen-rtnl --check exits 0\n${run.stdout}${run.stderr}`);
});
