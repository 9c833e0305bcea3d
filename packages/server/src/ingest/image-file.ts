import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { RaqibError, type RgbImage } from '@raqib/core';
import sharp from 'sharp';

/** File extensions treated as images when listing a directory (lower case, with the dot). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.gif',
  '.avif',
];

function fileError(path: string, error: unknown): RaqibError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new RaqibError('INPUT_NOT_FOUND', `${path}: no such file or directory`, { cause: error });
  if (code === 'EISDIR')
    return new RaqibError('INPUT_INVALID', `${path}: is a directory, not an image file`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    return new RaqibError('INPUT_INVALID', `${path}: permission denied`, { cause: error });
  }
  return new RaqibError('INPUT_INVALID', `${path}: cannot read: ${(error as Error).message}`, { cause: error });
}

/**
 * Reads and decodes an image file to 8-bit RGB: EXIF orientation applied, alpha dropped,
 * grayscale/CMYK/16-bit converted. Errors are RaqibErrors naming the file: INPUT_NOT_FOUND,
 * INPUT_INVALID (unreadable) or IMAGE_DECODE_FAILED (not an image, or a corrupt one).
 */
export async function loadImageFile(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
  if (bytes.length === 0) throw new RaqibError('IMAGE_DECODE_FAILED', `${path}: empty file, not an image`);
  try {
    const { data, info } = await sharp(bytes, { autoOrient: true, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
    return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
    const what = /unsupported image format/i.test(reason)
      ? `not an image in a supported format (JPEG, PNG, WebP, TIFF, GIF, AVIF)`
      : `cannot decode the image (${reason})`;
    throw new RaqibError('IMAGE_DECODE_FAILED', `${path}: ${what}`, { cause: error });
  }
}

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Result of expanding paths into image files. */
export interface ImageFileList {
  /** Image files, in argument order; a directory's images in natural order (IMG_2 before IMG_10). */
  files: string[];
  /** Paths that do not exist or cannot be read, and directories without images. */
  errors: RaqibError[];
  /** Files inside directories skipped for not having an image extension. */
  skipped: string[];
}

/**
 * Expands files and directories (not recursive) into image files. Files named explicitly are kept
 * whatever their extension (decoding reports non-images); inside a directory only files with an
 * image extension are taken, other files are listed in `skipped`. Never throws for a bad path.
 */
export async function listImageFiles(paths: string[]): Promise<ImageFileList> {
  const files: string[] = [];
  const errors: RaqibError[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      errors.push(fileError(path, error));
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      errors.push(fileError(path, error));
      continue;
    }
    const names = entries
      .filter((entry) => entry.isFile() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .filter((name) => !name.startsWith('.'))
      .sort(naturalOrder.compare);
    const images: string[] = [];
    for (const name of names) {
      if (IMAGE_EXTENSIONS.includes(extname(name).toLowerCase())) images.push(name);
      else skipped.push(join(path, name));
    }
    if (images.length === 0) {
      errors.push(
        new RaqibError(
          'INPUT_INVALID',
          `${path}: directory contains no image files (looked for ${IMAGE_EXTENSIONS.join(' ')}; subdirectories are not searched)`,
        ),
      );
      continue;
    }
    for (const name of images) files.push(join(path, name));
  }
  return { files, errors, skipped };
}
