// `ssh-ed25519 AAAA... comment` lines: the wire-format blob Ollama's client sends, and the raw key in it.

export interface SshKey {
  /** The base64 blob as it appears in the line (and in the ollama CLI's Authorization header). */
  blob: string;
  /** The 32 raw Ed25519 public-key bytes inside it. */
  raw: Uint8Array<ArrayBuffer>;
}

const TYPE = "ssh-ed25519";

/** Parses an authorized_keys line or a bare blob; null when it is not an Ed25519 public key. */
export function parseSshKey(text: string): SshKey | null {
  const parts = text.trim().split(/\s+/);
  const blob = parts[0] === TYPE ? parts[1] : parts[0];
  if (!blob || !/^[A-Za-z0-9+/]+=*$/.test(blob)) return null;
  const raw = rawKeyOf(Buffer.from(blob, "base64"));
  return raw ? { blob, raw } : null;
}

/** The SSH wire format: string "ssh-ed25519", then string <32 bytes>, each with a 4-byte length. */
function rawKeyOf(bytes: Uint8Array): Uint8Array<ArrayBuffer> | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) return null;
  const typeLength = view.getUint32(0);
  if (typeLength !== TYPE.length || bytes.byteLength < 8 + typeLength) return null;
  const type = new TextDecoder().decode(bytes.subarray(4, 4 + typeLength));
  if (type !== TYPE) return null;
  const keyLength = view.getUint32(4 + typeLength);
  const start = 8 + typeLength;
  if (keyLength !== 32 || bytes.byteLength !== start + keyLength) return null;
  return bytes.slice(start, start + keyLength);
}

/** The blob for a raw key (tests and tools that make keys). */
export function sshBlob(raw: Uint8Array): string {
  const type = new TextEncoder().encode(TYPE);
  const out = new Uint8Array(8 + type.length + raw.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type.length);
  out.set(type, 4);
  view.setUint32(4 + type.length, raw.length);
  out.set(raw, 8 + type.length);
  return Buffer.from(out).toString("base64");
}
