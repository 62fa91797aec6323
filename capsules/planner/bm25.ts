/** Lowercase words of two letters or more; enough for matching briefs to capsule descriptions. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9][a-z0-9-]+/g) ?? [];
}

/**
 * Okapi BM25 over a handful of documents (the capsule library): rare words that a brief shares
 * with a capsule count most; long documents do not win just by being long.
 */
export function bm25Scores(query: string, documents: string[], k1 = 1.2, b = 0.75): number[] {
  const docs = documents.map(tokenize);
  const averageLength = docs.reduce((sum, words) => sum + words.length, 0) / Math.max(1, docs.length);
  const documentFrequency = new Map<string, number>();
  for (const words of docs)
    for (const word of new Set(words)) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  const terms = [...new Set(tokenize(query))];
  return docs.map((words) => {
    const frequency = new Map<string, number>();
    for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
    return terms.reduce((score, term) => {
      const f = frequency.get(term) ?? 0;
      if (f === 0) return score;
      const n = documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      return score + (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * words.length) / averageLength));
    }, 0);
  });
}
