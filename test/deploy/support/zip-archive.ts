import { crc32, inflateRawSync } from 'node:zlib';

/**
 * A reader for plain zip archives (stored or deflated entries, no ZIP64, no encryption): enough
 * for the kubectl layer's zip, without depending on an `unzip` binary being installed.
 */
export class ZipError extends Error {
  constructor(
    readonly code: 'NOT_A_ZIP' | 'UNSUPPORTED' | 'CORRUPT',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  name: string;
  /** Unix mode bits when the archive was made on Unix (0 otherwise). */
  mode: number;
  isDirectory: boolean;
  read(): Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65535. */
const END_RECORD_SEARCH_BYTES = 22 + 0xffff;
const ZIP64_MARKER = 0xffffffff;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const MADE_ON_UNIX = 3;

function endRecordOffset(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - END_RECORD_SEARCH_BYTES);
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      return at;
    }
  }
  throw new ZipError('NOT_A_ZIP', 'no end-of-central-directory record');
}

function entryData(zip: Buffer, name: string, header: Record<string, number>): Buffer {
  const { localOffset, method, compressedSize, size, crc } = header;
  if (zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) {
    throw new ZipError('CORRUPT', `${name}: no local header at ${localOffset}`);
  }
  const start =
    localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
  const raw = zip.subarray(start, start + compressedSize);
  let data: Buffer;
  if (method === METHOD_STORED) {
    data = Buffer.from(raw);
  } else if (method === METHOD_DEFLATED) {
    data = inflateRawSync(raw);
  } else {
    throw new ZipError('UNSUPPORTED', `${name}: compression method ${method}`);
  }
  if (data.length !== size || crc32(data) !== crc) {
    throw new ZipError('CORRUPT', `${name}: size or CRC-32 does not match the directory`);
  }
  return data;
}

export function readZip(zip: Buffer): ZipEntry[] {
  const end = endRecordOffset(zip);
  const count = zip.readUInt16LE(end + 10);
  const directoryOffset = zip.readUInt32LE(end + 16);
  if (directoryOffset === ZIP64_MARKER) {
    throw new ZipError('UNSUPPORTED', 'ZIP64 archives');
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new ZipError('CORRUPT', `no central directory entry at ${at}`);
    }
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const header = {
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    };
    if (header.compressedSize === ZIP64_MARKER || header.localOffset === ZIP64_MARKER) {
      throw new ZipError('UNSUPPORTED', `${name}: ZIP64 entry`);
    }
    const madeOn = zip.readUInt8(at + 5);
    const mode = madeOn === MADE_ON_UNIX ? zip.readUInt32LE(at + 38) >>> 16 : 0;
    entries.push({
      name,
      mode,
      isDirectory: name.endsWith('/'),
      read: () => entryData(zip, name, header),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}
