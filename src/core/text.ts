/**
 * Plain text of a short markdown excerpt, for labels: emphasis, code and strike marks dropped, links
 * and images reduced to their text, heading/quote/list marks at line starts dropped. Works on cut
 * excerpts too (an unmatched `**` is dropped like a matched one).
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+/, '')
    .replace(/\*\*|__|~~|`+/g, '')
    .replace(/(^|[\s(])[*_](?=\S)|(?<=\S)[*_](?=[\s).,;:!?]|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
