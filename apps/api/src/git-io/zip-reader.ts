import { inflateRawSync } from 'node:zlib';
import { GitIoError } from './git-io.error';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN = 22;
const UNIX_MADE_BY = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export interface ZipEntry {
  /** The name as stored (not yet checked). */
  name: string;
  directory: boolean;
  /** A symbolic link, from the unix mode of a zip made on unix. */
  link: boolean;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  /** As the archive declares it; checked against the bytes actually inflated. */
  size: number;
  localOffset: number;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const stop = Math.max(0, zip.length - EOCD_MIN - 0xffff);
  for (let at = zip.length - EOCD_MIN; at >= stop; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) {
      return at;
    }
  }
  throw GitIoError.badArchive('it is not a zip file (no end of central directory)');
}

/**
 * The entries of a zip, read from its central directory only: nothing is inflated here, so the
 * count and the declared sizes can be judged before any work. More than `maxEntries` entries
 * (folders and node_modules included: the archive is judged as sent) are refused at once. ZIP64 archives are refused (an import is far below 4 GiB).
 */
export function listZip(zip: Buffer, maxEntries: number): ZipEntry[] {
  if (zip.length < EOCD_MIN) {
    throw GitIoError.badArchive('it is not a zip file (too short)');
  }
  const eocd = findEndOfCentralDirectory(zip);
  const declared = zip.readUInt16LE(eocd + 10);
  const directorySize = zip.readUInt32LE(eocd + 12);
  const directoryOffset = zip.readUInt32LE(eocd + 16);
  if (declared === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff) {
    throw GitIoError.badArchive('ZIP64 archives are not supported');
  }
  if (declared > maxEntries) {
    throw GitIoError.importTooManyFiles(declared, maxEntries);
  }
  if (directoryOffset + directorySize > eocd) {
    throw GitIoError.badArchive('its central directory lies outside the file');
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  const end = directoryOffset + directorySize;
  while (at < end) {
    if (at + 46 > end || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw GitIoError.badArchive('its central directory is damaged');
    }
    if (entries.length === maxEntries) {
      throw GitIoError.importTooManyFiles(Math.max(declared, maxEntries + 1), maxEntries);
    }
    const madeBy = zip.readUInt16LE(at + 4) >> 8;
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const external = zip.readUInt32LE(at + 38);
    const localOffset = zip.readUInt32LE(at + 42);
    if (at + 46 + nameLength > end) {
      throw GitIoError.badArchive('its central directory is damaged');
    }
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      throw GitIoError.badArchive('ZIP64 archives are not supported');
    }
    const mode = madeBy === UNIX_MADE_BY ? (external >>> 16) & S_IFMT : 0;
    entries.push({
      name,
      directory: name.endsWith('/'),
      link: mode === S_IFLNK,
      method,
      encrypted: (flags & 1) === 1,
      compressedSize,
      size,
      localOffset,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The bytes of one entry. Inflating stops past the declared size (a zip bomb that under-declares
 * its size fails here instead of filling memory), and a size that differs from the declared one
 * is refused.
 */
export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  if (entry.encrypted) {
    throw GitIoError.badArchive(`${entry.name} is encrypted`);
  }
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_SIGNATURE) {
    throw GitIoError.badArchive(`the entry of ${entry.name} is damaged`);
  }
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length) {
    throw GitIoError.badArchive(`the entry of ${entry.name} runs past the end of the file`);
  }
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) {
    data = raw;
  } else if (entry.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch {
      throw GitIoError.badArchive(
        `${entry.name} inflates to more than the ${entry.size} bytes it declares, or is damaged`,
      );
    }
  } else {
    throw GitIoError.badArchive(
      `${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`,
    );
  }
  if (data.length !== entry.size) {
    throw GitIoError.badArchive(
      `${entry.name} holds ${data.length} bytes but declares ${entry.size}`,
    );
  }
  return data;
}
