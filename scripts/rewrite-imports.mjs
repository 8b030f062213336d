// Rewrites relative import specifiers after files or names moved, so code written against the old places
// follows the moves: `node scripts/rewrite-imports.mjs [<rename-commit>…]` from the repository root, then
// `npm run typecheck`. Run it again after merging a branch that still imports the old places; running it
// twice changes nothing.
// - Files: the pure renames of each commit given (used for "Move files to a layout by role"), plus the file
//   moves in FILE_MOVES below. Each specifier that no longer resolves is resolved as it was before the
//   renames (with .ts, .js, /index.ts) and pointed at the file's new place; one that resolves is left alone.
// - Names: the declarations in NAME_MOVES (issue 20). An `import`/`export … from` of such a name from its
//   old file is split, and the name imported from its new file (`as` the old name where it was renamed).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Files moved by issue 20, §3 (old path → new path). */
const FILE_MOVES = {
  'src/store/fileRef.ts': 'src/shared/fileRef.ts',
  'src/store/keys.ts': 'src/shared/storeKeys.ts',
  'src/activities/backends/gradio/config.ts': 'src/channels/channelConfig.ts',
};
/** Names moved by issue 20, §2 and §3: old file → { name: new file, or [new file, new name] }. */
const NAME_MOVES = {
  'src/activities/index.ts': { ActivityDeps: 'src/activities/deps.ts', OpenAISettings: 'src/activities/deps.ts', WorkerDeps: ['src/activities/deps.ts', 'ActivityDeps'] },
  'src/activities/episode/episode.ts': { MuxRequest: 'src/activities/media/mux.ts', EpisodeId: 'src/activities/episode/paths.ts' },
  'src/store/index.ts': { FileRef: 'src/shared/fileRef.ts' },
  'src/store/store.ts': { FileRef: 'src/shared/fileRef.ts' },
  // Now async (await it): the sync copy in artifacts.ts is gone.
  'src/activities/episode/artifacts.ts': { writeFileAtomic: 'src/store/atomicFile.ts' },
  'src/activities/broadcast/playlist.ts': { writeFileAtomic: 'src/store/atomicFile.ts' },
};

const root = process.cwd();
const abs = (p) => path.join(root, p);
const moves = new Map(Object.entries(FILE_MOVES).map(([a, b]) => [abs(a), abs(b)])); // old abs -> new abs
for (const commit of process.argv.slice(2)) {
  for (const line of execSync(`git diff --name-status -M ${commit}~1 ${commit}`, { encoding: 'utf8' }).trim().split('\n')) {
    const [st, a, b] = line.split('\t');
    if (st.startsWith('R')) moves.set(abs(a), abs(b));
  }
}
const back = new Map([...moves].map(([a, b]) => [b, a]));
const files = execSync(`git ls-files 'src/**' 'test/**' 'bench/**' 'bin/**' 'scripts/**'`, { encoding: 'utf8' }).trim().split('\n')
  .filter((f) => /\.(ts|js|mjs|cjs)$/.test(f));
const exts = ['', '.ts', '.js', '/index.ts', '/index.js'];
const isFile = (p) => fs.existsSync(p) && fs.statSync(p).isFile();
const resolve = (from, spec) => {
  const t = path.resolve(path.dirname(from), spec);
  const e = exts.find((x) => isFile(t + x));
  return e === undefined ? null : t + e;
};
const specTo = (from, target) => {
  let rel = path.relative(path.dirname(from), target).replace(/\.ts$/, '');
  if (!rel.startsWith('.')) rel = './' + rel;
  return rel;
};

function moveFiles(f, fileAbs, src) {
  const oldAbs = back.get(fileAbs) ?? fileAbs;
  return src.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|require\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g, (m, pre, q, spec) => {
    // Already right where it stands (a rewritten file, or a target that did not move): leave it.
    const here = path.resolve(path.dirname(fileAbs), spec);
    if (exts.some((e) => isFile(here + e))) return m;
    const oldTarget = path.resolve(path.dirname(oldAbs), spec);
    let ext = null;
    for (const e of exts) {
      const cand = oldTarget + e;
      if (moves.has(cand) || (isFile(cand) && !back.has(cand))) { ext = e; break; }
    }
    if (ext === null) { console.error(`unresolved: ${f}: ${spec}`); return m; }
    const target = moves.get(oldTarget + ext) ?? oldTarget + ext;
    let rel = path.relative(path.dirname(fileAbs), target);
    if (ext) rel = rel.slice(0, rel.length - ext.length);
    if (!rel.startsWith('.')) rel = './' + rel;
    return `${pre}${q}${rel}${q}`;
  });
}

function moveNames(fileAbs, src) {
  return src.replace(/\b(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*(['"])(\.{1,2}\/[^'"]*)\4(;?)/g, (m, kw, typeOnly, list, q, spec, semi) => {
    const target = resolve(fileAbs, spec);
    const table = target && NAME_MOVES[path.relative(root, target)];
    if (!table) return m;
    const keep = [];
    const moved = new Map(); // new file -> [specifier text]
    let dropped = false;
    for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [, typeMod, name, alias] = /^(type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(raw) ?? [];
      const to = name && table[name];
      if (!to) { keep.push(raw); continue; }
      const [file, newName] = Array.isArray(to) ? to : [to, name];
      if (abs(file) === fileAbs) { dropped = true; continue; } // the name now lives in this very file
      const local = alias ?? name;
      const text = `${typeMod ?? ''}${newName}${local !== newName ? ` as ${local}` : ''}`;
      moved.set(file, [...(moved.get(file) ?? []), text]);
    }
    if (!moved.size && !dropped) return m;
    const stmt = (names, s) => `${kw}${typeOnly ?? ''} { ${names.join(', ')} } from ${q}${s}${q}${semi}`;
    const out = keep.length ? [stmt(keep, spec)] : [];
    for (const [file, names] of moved) out.push(stmt(names, specTo(fileAbs, abs(file))));
    return out.join('\n');
  });
}

let changed = 0;
for (const f of files) {
  const fileAbs = abs(f);
  const src = fs.readFileSync(fileAbs, 'utf8');
  const out = moveNames(fileAbs, moveFiles(f, fileAbs, src));
  if (out !== src) { fs.writeFileSync(fileAbs, out); changed++; }
}
console.log(`rewrote ${changed} files`);
