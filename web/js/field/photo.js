// @ts-check
// Photos from the camera, made small enough to keep and send: at most MAX_SIDE pixels
// on the longer side, as JPEG, each named by the SHA-256 of the bytes kept (the server
// answers the same hash for the same bytes, which proves the photo arrived whole).

/** The longer side of a kept photo, in pixels. */
export const MAX_SIDE = 1600;
/** JPEG quality of a kept photo. */
export const JPEG_QUALITY = 0.82;

/**
 * The size a `width` × `height` picture is drawn at: unchanged when it fits within
 * `max`, otherwise scaled down (aspect kept) so its longer side is `max`.
 * @param {number} width
 * @param {number} height
 * @param {number} [max]
 * @returns {{ width: number, height: number }}
 */
export function fitWithin(width, height, max = MAX_SIDE) {
  const longer = Math.max(width, height);
  if (longer <= max) return { width, height };
  const k = max / longer;
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/** The SHA-256 of some bytes, as lower-case hex. @param {BufferSource} bytes */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A camera photo shrunk to a JPEG of at most MAX_SIDE px, with its hash and size.
 * @param {Blob} file
 * @returns {Promise<{ blob: Blob, sha256: string, width: number, height: number }>}
 */
export async function shrinkPhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const { width, height } = fitWithin(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', JPEG_QUALITY));
  return { blob, sha256: await sha256Hex(await blob.arrayBuffer()), width, height };
}
