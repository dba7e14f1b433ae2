/** `{word}`: ASCII letters, digits and `_` between braces, as the placeholder legends offer them. */
const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Fills `{name}`-style placeholders in an operator's message. The server fills the
 * message it sends with it and the dashboard fills its live preview with it, so what
 * the operator sees is what members get.
 *
 * - Only a placeholder the caller supplies is filled, by own property: `{constructor}`,
 *   `{toString}` or `{__proto__}` are not values, whatever `Object.prototype` holds.
 * - An unknown placeholder stays as written, so an operator sees their typo instead
 *   of an empty gap.
 * - One pass: a value that itself looks like `{group}` (a member named so) is inserted
 *   as it is, never filled again; `$&` and the like in a value are plain text too.
 * - The result is plain text: the platform (or React, as a text node) renders it,
 *   never as markup.
 *
 * @example fillTemplate('Welcome {name} to {group}!', { name: 'Ada', group: 'Makers' }) // 'Welcome Ada to Makers!'
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => (Object.hasOwn(values, key) ? String(values[key]) : whole));
}
