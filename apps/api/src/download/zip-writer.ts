import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/** What a zip without the zip64 extension can hold. */
export const ZIP_LIMITS = {
  /** Entries: the end record counts them in 16 bits. */
  maxEntries: 0xffff,
  /** Bytes of the whole archive: offsets and sizes are 32 bits. */
  maxBytes: 0xffffffff,
  /** Bytes of one entry's name (UTF-8): its length is 16 bits. */
  maxNameBytes: 0xffff,
} as const;

export interface ZipEntry {
  /** A relative path with "/" between folders; folders are implied by their files. */
  path: string;
  data: Buffer | string;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** 2.0: deflate and folders. */
const VERSION_NEEDED = 20;
/** Made on Unix (3, high byte), so that unzip reads the permissions from the external attributes. */
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED;
/** General purpose bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
/** A regular file, rw-r--r--, in the high 16 bits. */
const REGULAR_FILE_ATTRIBUTES = (0o100644 << 16) >>> 0;

interface PreparedEntry {
  name: Buffer;
  crc: number;
  size: number;
  method: number;
  body: Buffer;
  offset: number;
}

/**
 * A zip archive (PKWARE APPNOTE 6.3, no zip64, no encryption) of the entries in the order given,
 * each deflated unless that would not make it smaller. Compression runs on libuv's thread pool,
 * so a large archive does not hold up the event loop.
 */
export async function writeZip(
  entries: readonly ZipEntry[],
  modifiedAt = new Date(),
): Promise<Buffer> {
  if (entries.length > ZIP_LIMITS.maxEntries) {
    throw new Error(
      `a zip holds at most ${ZIP_LIMITS.maxEntries} entries (maxEntries), not ${entries.length}`,
    );
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    checkEntryName(entry.path);
    if (seen.has(entry.path)) {
      throw new Error(`the zip would hold ${entry.path} twice`);
    }
    seen.add(entry.path);
  }
  const { time, date } = dosDateTime(modifiedAt);
  const prepared = await Promise.all(entries.map((entry) => prepare(entry)));

  const chunks: Buffer[] = [];
  let offset = 0;
  for (const entry of prepared) {
    entry.offset = offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    writeSharedFields(header, 4, entry, time, date);
    // Extra field length: 0 (Buffer.alloc's zeros).
    chunks.push(header, entry.name, entry.body);
    offset += header.length + entry.name.length + entry.body.length;
    checkArchiveSize(offset);
  }

  const directoryStart = offset;
  for (const entry of prepared) {
    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(VERSION_MADE_BY, 4);
    writeSharedFields(header, 6, entry, time, date);
    // Extra field, comment, disk number and internal attributes: all 0 (Buffer.alloc's zeros).
    header.writeUInt32LE(REGULAR_FILE_ATTRIBUTES, 38);
    header.writeUInt32LE(entry.offset, 42);
    chunks.push(header, entry.name);
    offset += header.length + entry.name.length;
    checkArchiveSize(offset);
  }

  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(prepared.length, 8);
  end.writeUInt16LE(prepared.length, 10);
  end.writeUInt32LE(offset - directoryStart, 12);
  end.writeUInt32LE(directoryStart, 16);
  chunks.push(end);
  checkArchiveSize(offset + end.length);
  return Buffer.concat(chunks);
}

/**
 * The fields a local header and its central directory entry share, in the same order from
 * `at` (APPNOTE 4.3.7 and 4.3.12): version needed, flags, method, time, date, CRC-32,
 * compressed and uncompressed size, name length.
 */
function writeSharedFields(
  header: Buffer,
  at: number,
  entry: PreparedEntry,
  time: number,
  date: number,
): void {
  header.writeUInt16LE(VERSION_NEEDED, at);
  header.writeUInt16LE(FLAG_UTF8, at + 2);
  header.writeUInt16LE(entry.method, at + 4);
  header.writeUInt16LE(time, at + 6);
  header.writeUInt16LE(date, at + 8);
  header.writeUInt32LE(entry.crc, at + 10);
  header.writeUInt32LE(entry.body.length, at + 14);
  header.writeUInt32LE(entry.size, at + 18);
  header.writeUInt16LE(entry.name.length, at + 22);
}

async function prepare(entry: ZipEntry): Promise<PreparedEntry> {
  const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
  const deflated = await deflateRawAsync(data);
  const stored = deflated.length >= data.length;
  return {
    name: Buffer.from(entry.path, 'utf8'),
    crc: crc32(data),
    size: data.length,
    method: stored ? METHOD_STORED : METHOD_DEFLATED,
    body: stored ? data : deflated,
    offset: 0,
  };
}

/** Names that unzip would write outside the folder it extracts to, or could not represent. */
function checkEntryName(path: string): void {
  const segments = path.split('/');
  const bad =
    path.length === 0 ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) {
    throw new Error(`${JSON.stringify(path)} is not a relative file path for a zip entry`);
  }
  if (Buffer.byteLength(path) > ZIP_LIMITS.maxNameBytes) {
    throw new Error(`a zip entry name is at most ${ZIP_LIMITS.maxNameBytes} bytes (maxNameBytes)`);
  }
}

function checkArchiveSize(bytes: number): void {
  if (bytes > ZIP_LIMITS.maxBytes) {
    throw new Error(`a zip without zip64 is at most ${ZIP_LIMITS.maxBytes} bytes (maxBytes)`);
  }
}

/** MS-DOS time and date in local time, as zip tools read them; clamped to DOS's 1980–2107. */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.min(Math.max(at.getFullYear(), 1980), 2107);
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}
