/**
 * A PMTiles v3 archive holding one raster tile (z0/0/0), written by hand from the spec
 * (github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): 127-byte header, an uncompressed root
 * directory, empty metadata. Enough for the map test to read a base layer through the `pmtiles`
 * protocol and the API's byte ranges; MapLibre over-zooms the one tile.
 */
export function singleTilePmtiles(tilePng: Buffer, bounds: [number, number, number, number]): Buffer {
  const varint = (value: number): number[] => {
    const bytes: number[] = [];
    let v = value;
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    return bytes;
  };
  // One entry: tile id 0, run length 1, length, offset 0 (written as offset + 1).
  const directory = Buffer.from([...varint(1), ...varint(0), ...varint(1), ...varint(tilePng.length), ...varint(1)]);
  const metadata = Buffer.from('{}');
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header[7] = 3;
  const u64 = (offset: number, value: number) => header.writeBigUInt64LE(BigInt(value), offset);
  const rootOffset = 127;
  const metadataOffset = rootOffset + directory.length;
  const tileOffset = metadataOffset + metadata.length;
  u64(8, rootOffset);
  u64(16, directory.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, tileOffset); // no leaf directories
  u64(48, 0);
  u64(56, tileOffset);
  u64(64, tilePng.length);
  u64(72, 1); // addressed tiles
  u64(80, 1); // tile entries
  u64(88, 1); // tile contents
  header[96] = 1; // clustered
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = 2; // tile type: png
  header[100] = 0; // min zoom
  header[101] = 0; // max zoom
  bounds.forEach((value, i) => header.writeInt32LE(Math.round(value * 1e7), 102 + 4 * i));
  header[118] = 0; // centre zoom
  header.writeInt32LE(Math.round(((bounds[0] + bounds[2]) / 2) * 1e7), 119);
  header.writeInt32LE(Math.round(((bounds[1] + bounds[3]) / 2) * 1e7), 123);
  return Buffer.concat([header, directory, metadata, tilePng]);
}
