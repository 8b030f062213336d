// 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits. Pure: workflows use it for keys and seeds
// that must be the same on every replay and every machine.
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
