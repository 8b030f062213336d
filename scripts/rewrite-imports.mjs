// Rewrites relative import specifiers after a commit of pure file renames, so code written against the old
// paths follows the moves: `node scripts/rewrite-imports.mjs <rename-commit>` from the repository root, then
// `npm run typecheck`. Used for the move to the layout by role (commit "Move files to a layout by role");
// run it again after merging a branch that still imports the old paths. Resolves each specifier as it was
// before the renames (with .ts, .js, /index.ts) and points it at the file's new place; a specifier that
// already resolves is left alone, so running it twice changes nothing.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
const commit = process.argv[2];
const root = process.cwd();
const moves = new Map(); // old abs -> new abs
for (const line of execSync(`git diff --name-status -M ${commit}~1 ${commit}`, { encoding: 'utf8' }).trim().split('\n')) {
  const [st, a, b] = line.split('\t');
  if (st.startsWith('R')) moves.set(path.join(root, a), path.join(root, b));
}
const back = new Map([...moves].map(([a, b]) => [b, a]));
const files = execSync(`git ls-files 'src/**' 'test/**' 'bench/**' 'bin/**' 'scripts/**'`, { encoding: 'utf8' }).trim().split('\n')
  .filter((f) => /\.(ts|js|mjs|cjs)$/.test(f));
const exts = ['', '.ts', '.js', '/index.ts', '/index.js'];
let changed = 0;
for (const f of files) {
  const abs = path.join(root, f);
  const oldAbs = back.get(abs) ?? abs;
  const src = fs.readFileSync(abs, 'utf8');
  const out = src.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|require\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g, (m, pre, q, spec) => {
    // Already right where it stands (a rewritten file, or a target that did not move): leave it.
    const here = path.resolve(path.dirname(abs), spec);
    if (exts.some((e) => fs.existsSync(here + e) && fs.statSync(here + e).isFile())) return m;
    const oldTarget = path.resolve(path.dirname(oldAbs), spec);
    let ext = null;
    for (const e of exts) {
      const cand = oldTarget + e;
      if (moves.has(cand) || (fs.existsSync(cand) && fs.statSync(cand).isFile() && !back.has(cand))) { ext = e; break; }
    }
    if (ext === null) { console.error(`unresolved: ${f}: ${spec}`); return m; }
    const target = moves.get(oldTarget + ext) ?? oldTarget + ext;
    let rel = path.relative(path.dirname(abs), target);
    if (ext) rel = rel.slice(0, rel.length - ext.length);
    if (!rel.startsWith('.')) rel = './' + rel;
    return `${pre}${q}${rel}${q}`;
  });
  if (out !== src) { fs.writeFileSync(abs, out); changed++; }
}
console.log(`rewrote ${changed} files`);
