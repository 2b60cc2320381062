/**
 * Text and attribute values for HTML and SVG markup. Unlike the chat escapes
 * (`deliver/escape.ts`) it changes nothing but the five markup characters: a report shows
 * names and summaries exactly as they are, only never as markup.
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
