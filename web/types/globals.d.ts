// What the page finds on `window`: MapLibre GL JS (loaded by index.html as a classic
// script before the modules) and the page's own handle for tests (js/gp.js).
import type * as maplibre from 'maplibre-gl';
import type { PageHandle } from '../js/gp.js';

declare global {
  interface Window {
    maplibregl: typeof maplibre;
    gp: PageHandle;
  }
}
