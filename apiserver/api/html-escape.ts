// Go's encoding/json HTML escaping of JSON text, shared by the stored encoding and ControllerRevision data.

const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
const HTML_CHARS = /[<>&\u2028\u2029]/g;

/**
 * Go's encoding/json escaping, which upstream's serializer keeps on (json.Encoder's EscapeHTML) and json.Marshal
 * always applies: `<`, `>`, `&`, U+2028 and U+2029 in JSON text are written as \u escapes. The bytes then match
 * what clients compute with Go (kubectl compares ControllerRevision data byte for byte before a rollback). The same
 * JSON value either way. Text without those characters is returned as is.
 */
export function escapeHTML(text: string): string {
  HTML_CHARS.lastIndex = 0;
  return HTML_CHARS.test(text) ? text.replace(HTML_CHARS, (c) => HTML_ESCAPES[c] ?? c) : text;
}
