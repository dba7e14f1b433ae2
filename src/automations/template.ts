/**
 * Fills `{name}`-style placeholders. Unknown placeholders stay as written so an
 * operator sees their typo instead of an empty gap. Values are plain text: the
 * platform renders them, never as markup.
 */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
