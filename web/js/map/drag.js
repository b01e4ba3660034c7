// @ts-check
// A marker the lead drags to move a site: dropped, the page asks before it moves
// anything; said no, the marker goes back where the site is.
import { gp } from '../gp.js';

/** @typedef {import('maplibre-gl').Marker} Marker */

/** The marker being dragged now, if any (one at a time). @type {Marker | null} */
let current = null;

/** Takes the drag marker off the map. */
export function stopDragging() {
  if (current) current.remove();
  current = null;
}

/**
 * Puts a draggable marker on `at`; on a drop, `confirmMove(lon, lat)` decides: true
 * keeps the marker there (the caller saves), false puts it back.
 * @param {[number, number]} at  WGS-84 [lon, lat]
 * @param {(lon: number, lat: number) => Promise<boolean>} confirmMove
 * @returns {Marker | null}
 */
export function dragMarker(at, confirmMove) {
  stopDragging();
  const map = gp.map;
  if (!map) return null;
  const marker = new window.maplibregl.Marker({ draggable: true, color: '#6a1b9a' }).setLngLat(at).addTo(map);
  marker.getElement().classList.add('drag-marker');
  let home = at;
  marker.on('dragend', async () => {
    const { lng, lat } = marker.getLngLat();
    if (await confirmMove(lng, lat)) home = [lng, lat];
    else marker.setLngLat(home);
  });
  current = marker;
  return marker;
}

/** A temporary marker where the lead clicked to add a site. @param {[number, number]} at */
export function pickMarker(at) {
  return dragMarker(at, async () => true);
}
