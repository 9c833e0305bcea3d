import type { RgbImage } from '@raqib/core';
import sharp from 'sharp';

/** Resizes an RGB image to exactly `widthPx x heightPx` (linear interpolation, area-averaged when shrinking). */
export async function resizeRgb(image: RgbImage, widthPx: number, heightPx: number): Promise<RgbImage> {
  const { data, info } = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(widthPx, heightPx, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
