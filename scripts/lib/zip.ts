/**
 * A deterministic ZIP: the same entries give the same bytes (sorted names, fixed 1980-01-01 timestamps, fixed
 * permissions, deflate at a fixed level), which content-addressed upload keys depend on. yazl writes the format; this
 * file owns the choices that make it reproducible. No zip64: job bundles are far below 4 GiB and 65535 entries, and
 * we refuse rather than let the format change under us.
 */
import { deflateRawSync } from "node:zlib";
import { ZipFile } from "yazl";

export interface ZipEntry {
  /** Forward slashes, relative (e.g. "emr_jobs/__init__.py"). */
  name: string;
  data: Buffer;
}

// Local midnight, because DOS times carry no zone: yazl encodes them with the local getters, so this Date reads as
// 1980-01-01 00:00:00 in every time zone (and is yazl's own lower bound, minDosDate).
const JANUARY_1_1980 = new Date(1980, 0, 1, 0, 0, 0);
const REGULAR_FILE_0644 = 0o100644;
const LEVEL = 9;
/** Below this size deflate's own framing can outweigh its savings, so a trial deflate decides; above it, it never does for source. */
const TRIAL_BELOW_BYTES = 1024;
const MAX_SIZE = 0xffffffff;

function checkName(name: string): void {
  if (!name || name.startsWith("/") || name.includes("\\") || name.split("/").some((p) => p === ".." || p === "")) {
    throw new Error(`zip entry name ${JSON.stringify(name)} must be a relative path with forward slashes`);
  }
}

/**
 * Store what deflate cannot shrink (empty and tiny files); decided by content, so still deterministic. yazl deflates on
 * its own, so only small entries get a trial run: a second deflate of the whole package would double its cost.
 */
function worthDeflating(data: Buffer): boolean {
  if (data.length === 0) return false;
  return data.length >= TRIAL_BELOW_BYTES || deflateRawSync(data, { level: LEVEL }).length < data.length;
}

export async function createZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].name === sorted[i - 1].name) throw new Error(`duplicate zip entry ${sorted[i].name}`);
  }
  if (sorted.length > 0xffff) throw new Error(`${sorted.length} entries exceed the 65535 a zip without zip64 holds`);
  let total = 0;
  for (const entry of sorted) {
    checkName(entry.name);
    total += entry.data.length + 30 + Buffer.byteLength(entry.name);
  }
  if (total > MAX_SIZE) throw new Error("zip would need zip64 (> 4 GiB)");

  const zip = new ZipFile();
  const chunks: Buffer[] = [];
  const written = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
    zip.on("error", reject);
  });
  for (const entry of sorted) {
    zip.addBuffer(entry.data, entry.name, {
      mtime: JANUARY_1_1980,
      mode: REGULAR_FILE_0644,
      compressionLevel: worthDeflating(entry.data) ? LEVEL : 0,
      // Without it yazl (since 3.3.0) adds an Info-ZIP extended-timestamp field: 9 more bytes per entry, same meaning.
      forceDosTimestamp: true,
    });
  }
  zip.end();
  return written;
}
