// `npm run bench`: every benchmark, one after another on this machine, each printing its ratios.
const benches: [string, () => Promise<{ main(): Promise<unknown> }>][] = [
  ['episode', () => import('./episode')],
  ['disk', () => import('./disk')],
  ['gradio', () => import('./gradio')],
  ['stages', () => import('./stages')],
  ['broadcast', () => import('./broadcast')],
  ['modelServer', () => import('./modelServer')],
  ['audience', () => import('./audience')],
  ['channels', () => import('./channels')],
  ['store', () => import('./store')],
  ['moderation', () => import('./moderation')],
  ['directed', () => import('./directed')],
];

const only = process.argv.slice(2);
for (const [name, load] of benches) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  await (await load()).main();
}

export {};
