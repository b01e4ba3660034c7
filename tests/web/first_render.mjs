// Time to first rendered map: from navigation start to the map's first idle frame
// with every layer loaded, as the page itself records it (window.gp.firstRenderMs).
// Signs in first when GP_USER is set, so the township's layers are part of the load.
// Prints one line per run and the median; `RUNS` runs (default 5), warm cache after the first.
import { BASE, launch, mapReady } from './lib.mjs';

const runs = Number(process.env.RUNS || 5);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  if (process.env.GP_USER) {
    const r = await page.request.post(`${BASE}/api/login`, { data: { name: process.env.GP_USER, password: process.env.GP_PASSWORD } });
    if (!r.ok()) throw new Error(`sign-in failed: ${r.status()}`);
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(BASE);
    await mapReady(page, 60000);
    // Sites in view: those drawn one by one plus those gathered in bubbles.
    const r = await page.evaluate(() => {
      const bubbles = window.gp.rendered('institutions-clusters');
      const drawn = window.gp.rendered('institutions').length;
      return { ms: window.gp.firstRenderMs, marks: window.gp.marks,
        counts: { ...window.gp.counts, drawn_sites: drawn, bubbles: bubbles.length, sites_in_view: drawn + bubbles.reduce((n, p) => n + p.point_count, 0) } };
    });
    times.push(r.ms);
    // Where the time went: script start, config answered, map style loaded, layers in.
    const marks = Object.entries(r.marks).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
    console.log(`run ${i + 1}: ${r.ms.toFixed(0)} ms  (${marks})  features ${JSON.stringify(r.counts)}`);
  }
  times.sort((a, b) => a - b);
  console.log(`first rendered map: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, best ${times[0].toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms over ${runs} runs`);
} finally {
  await browser.close();
}
