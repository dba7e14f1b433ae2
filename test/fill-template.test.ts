import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../src/shared/fill-template.js';

const values = { name: 'Ada', group: 'Makers', count: 12 };

describe('filling a message template (one filler for the server and the dashboard preview)', () => {
  it('fills every placeholder it is given, as often as it appears', () => {
    expect(fillTemplate('Welcome {name} to {group} ({count}). {name}, say hi!', values)).toBe('Welcome Ada to Makers (12). Ada, say hi!');
    expect(fillTemplate('{count} members', { count: 0 })).toBe('0 members');
    expect(fillTemplate('[{name}]', { name: '' })).toBe('[]');
  });

  it('leaves an unknown placeholder as written, so the operator sees the typo', () => {
    expect(fillTemplate('Hi {nmae}, welcome to {group}', values)).toBe('Hi {nmae}, welcome to Makers');
    expect(fillTemplate('{ name } {name } {} {名字} {na-me}', values)).toBe('{ name } {name } {} {名字} {na-me}');
  });

  it('never fills from Object.prototype: {constructor}, {__proto__}, {toString} and the like stay as written', () => {
    const inherited = '{constructor} {__proto__} {toString} {hasOwnProperty} {valueOf} {isPrototypeOf} {propertyIsEnumerable} {toLocaleString}';
    expect(fillTemplate(inherited, values)).toBe(inherited);
    expect(fillTemplate(inherited, {})).toBe(inherited);
    expect(fillTemplate('{name} {constructor}', Object.assign(Object.create(null), { name: 'Ada' }))).toBe('Ada {constructor}');
  });

  it('fills a placeholder the caller really gives, whatever its name', () => {
    expect(fillTemplate('{constructor}', { constructor: 'a builder' })).toBe('a builder');
    expect(fillTemplate('{__proto__}', JSON.parse('{"__proto__": "own"}') as Record<string, string>)).toBe('own');
  });

  it('inserts hostile names as plain text, in one pass', () => {
    expect(fillTemplate('Welcome {name} to {group}', { name: '{group}', group: '{name}' })).toBe('Welcome {group} to {name}');
    expect(fillTemplate('Hi {name}!', { name: "$& $1 $$ $` $'" })).toBe("Hi $& $1 $$ $` $'!");
    expect(fillTemplate('Hi {name}', { name: '<script>alert(1)</script>' })).toBe('Hi <script>alert(1)</script>');
    expect(fillTemplate('Hi {name}', { name: '\u202eevil\u0000 👩‍💻' })).toBe('Hi \u202eevil\u0000 👩‍💻');
    expect(fillTemplate('{{name}}', values)).toBe('{Ada}');
  });

  it('changes nothing in a template without placeholders, markup included', () => {
    const plain = 'Read the <b>rules</b> & say hello } { ';
    expect(fillTemplate(plain, values)).toBe(plain);
  });
});
