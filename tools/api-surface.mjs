#!/usr/bin/env node
// The public API as a user's compiler sees it, in one text: every name that
// the package's entry points (dist/index.d.ts, dist/testing.d.ts) export,
// each with its full declaration and doc comment, wherever in dist/ it is
// declared, sorted by name. Two builds with the same surface print the same
// text whatever their file layout: diff it before and after a restructure.
//
//   node tools/api-surface.mjs > api.txt
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = fileURLToPath(new URL('..', import.meta.url));
const entries = { '.': 'dist/index.d.ts', './testing': 'dist/testing.d.ts' };

const program = ts.createProgram(Object.values(entries).map((f) => root + f), { noEmit: true, skipLibCheck: true });
const checker = program.getTypeChecker();
const out = [];
for (const [entry, file] of Object.entries(entries)) {
  const source = program.getSourceFile(root + file);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name));
  out.push(`# ${entry}: ${exports.length} exports`);
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const texts = (symbol.declarations ?? []).map((d) => {
      // A variable's declaration is the whole statement, with its doc comment.
      const node = ts.isVariableDeclaration(d) ? d.parent.parent : d;
      // Its doc comment, not whatever other comment happens to precede it in the file.
      const docs = (node.jsDoc ?? []).map((j) => j.getText());
      return [...docs, node.getText()].join('\n');
    });
    out.push(`## ${exported.name}${exported.name === symbol.name ? '' : ` (as ${symbol.name})`}`, ...texts, '');
  }
}
process.stdout.write(`${out.join('\n')}\n`);
