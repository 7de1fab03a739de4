// Random name suffixes as upstream's SimpleNameGenerator makes them (generateName, kube-api-access volumes).

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Upstream's generateName suffix: five characters from a consonant/digit alphabet (utilrand.String(5)). */
export function generateSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return s;
}
