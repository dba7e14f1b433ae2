/**
 * Seeded mutations of a well-formed value, to hold a hand-written validator to the zod
 * schema it stands in for: every mutant must get the same verdict (and, when accepted,
 * the same output) from both.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values that sit on or just past the limits the schemas use, or have the wrong type. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  '/',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(200),
  'x'.repeat(201),
  'x'.repeat(300),
  'x'.repeat(301),
  'x'.repeat(512),
  'x'.repeat(513),
  'x'.repeat(4097),
  'a\u0000b',
  'a\ud800b',
  '😀',
  0,
  -0,
  1,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  253_402_300_799_999,
  253_402_300_800_000,
  2 ** 53,
  true,
  false,
  [],
  ['a'],
  [''],
  [1],
  new Array(201).fill('m'),
  {},
  { id: 'p' },
  { id: 'p', name: 'P' },
  { id: '', name: 'P' },
  { id: 'p', name: 'P', bot: 'yes' },
  { id: 'p', isBot: true, username: 'u' },
  'sandbox',
  'telegram',
  'nowhere',
  'message',
  'join',
  'command',
  'photo',
  'audio',
  'link',
  'unknown',
  '2024-02-29T12:00:00.000Z',
  '2023-02-29T12:00:00.000Z',
  '2100-02-29T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '2024-04-31T00:00:00Z',
  '2024-12-31T23:59:59.999Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:60:00Z',
  '2024-01-01T00:00:60Z',
  '2024-01-01T00:00:00.1Z',
  '2024-01-01T00:00:00+02:00',
  '0000-01-01T00:00:00.000Z',
  '2024-01-01 00:00:00Z',
  '2024-1-01T00:00:00.000Z',
];

/** A copy of `value` with one to three random changes: a key removed, set to an odd value, added, or a nested change. */
export function mutate(value: Record<string, unknown>, random: () => number): unknown {
  const copy = structuredClone(value);
  const changes = 1 + Math.floor(random() * 3);
  for (let c = 0; c < changes; c++) change(copy, random, 0);
  return copy;
}

function change(target: Record<string, unknown>, random: () => number, depth: number): void {
  const keys = Object.keys(target);
  const key = keys[Math.floor(random() * keys.length)];
  const r = random();
  if (key !== undefined && depth < 2 && typeof target[key] === 'object' && target[key] !== null && !Array.isArray(target[key]) && r < 0.3) {
    change(target[key] as Record<string, unknown>, random, depth + 1);
  } else if (key !== undefined && r < 0.45) {
    delete target[key];
  } else if (r < 0.55) {
    const extra = [
      'extra',
      'v',
      'title',
      'name',
      'username',
      'isBot',
      'bot',
      'media',
      'replyTo',
      'mentions',
      'code',
      'inviter',
      'removedBy',
      'oldName',
      'roomTitle',
      'forwarded',
      'edited',
      'added',
      'args',
    ];
    target[extra[Math.floor(random() * extra.length)]!] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  } else if (key !== undefined) {
    target[key] = structuredClone(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)]);
  }
}
