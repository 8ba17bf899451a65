/**
 * Visitor text inside HTML and XML. Everything a visitor typed goes through `escapeText`,
 * in element content and in quoted attribute values alike, so no comment, name or url
 * can open a tag, close one (`</noscript>`), or leave an attribute.
 */

// What XML 1.0 forbids: C0 controls but tab, line feed and carriage return; U+FFFE and
// U+FFFF; unpaired surrogates. A stored comment may hold the first two kinds (the contract
// refuses only NUL and unpaired surrogates), and one in a feed would make it unreadable.
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` with the characters XML cannot carry removed and `& < > " '` escaped: safe in HTML and XML. */
export function escapeText(text: string): string {
  return text.replace(NOT_IN_XML, '').replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}
