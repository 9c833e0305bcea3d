/** A decoded image: 8-bit RGB, interleaved, row-major (`width * height * 3` bytes). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}
