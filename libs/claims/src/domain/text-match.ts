/**
 * Words, for matching a customer's words against what is on the record. Plain
 * and predictable on purpose: lower-cased runs of letters and digits, three
 * characters or more, without the commonest English words. A record matches
 * when it holds at least half of the claim's words.
 */

const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'you',
  'your',
  'our',
  'ours',
  'was',
  'were',
  'are',
  'that',
  'this',
  'with',
  'would',
  'will',
  'have',
  'has',
  'had',
  'not',
  'but',
  'all',
  'any',
  'can',
  'from',
  'they',
  'them',
  'their',
  'said',
  'told',
  'say',
  'promised',
  'agreed',
  'who',
  'what',
  'when',
  'which',
  'there',
  'into',
  'onto',
  'than',
  'then',
  'also',
  'just',
  'very',
  'been',
  'did',
  'does',
  'its',
  'out',
  'off',
  'per',
  'via',
]);

export function wordsOf(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length >= 3 && !STOP_WORDS.has(w)))];
}

/** Share of `claimWords` found in `text`, 0..1; 0 when the claim has no words. */
export function matchShare(claimWords: readonly string[], text: string): number {
  if (claimWords.length === 0) return 0;
  const held = new Set(wordsOf(text));
  return claimWords.filter((w) => held.has(w)).length / claimWords.length;
}

export const MATCH_THRESHOLD = 0.5;

export function matches(claimWords: readonly string[], texts: readonly string[]): boolean {
  return texts.some((text) => matchShare(claimWords, text) >= MATCH_THRESHOLD);
}
