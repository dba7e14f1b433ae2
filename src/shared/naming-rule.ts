/**
 * Whether a group's name follows its naming convention (`002`: tag + topic). The
 * convention is written with placeholders in braces, e.g. `【{city}】{topic}交流群`:
 * the literal parts must appear in order, each placeholder stands for some text.
 *
 * @example followsNamingRule('【{city}】{topic}交流群', '【杭州】烘焙交流群') // true
 * @example followsNamingRule('【{city}】{topic}交流群', '烘焙爱好者') // false
 */
export function followsNamingRule(rule: string, name: string): boolean {
  const pattern = rule
    .split(/\{[^{}]+\}/)
    .map((literal) => literal.replace(/[.*+?^$()|[\]\\/]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${pattern}$`, 'su').test(name);
}
